import { z } from 'zod';
import { AwsError, invalidRequest, notFound } from './errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface ShadowDocument {
  state: { desired?: JsonObject; reported?: JsonObject; delta?: JsonObject };
  metadata: { desired?: JsonObject; reported?: JsonObject };
  version: number;
  /** Epoch seconds, as AWS IoT shadows report. */
  timestamp: number;
}

const sectionSchema = z.record(z.string(), z.unknown()).nullable().optional();
const updateSchema = z.object({
  state: z.object({ desired: sectionSchema, reported: sectionSchema }).strict(),
  version: z.number().int().nonnegative().optional(),
  clientToken: z.string().optional(),
});

interface StoredShadow {
  desired?: JsonObject;
  reported?: JsonObject;
  metadata: { desired?: JsonObject; reported?: JsonObject };
  version: number;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Shadow merge: objects merge recursively, `null` deletes a key, anything else replaces. */
function merge(target: JsonObject | undefined, patch: JsonObject, stamp: number): { doc: JsonObject; meta: JsonObject } {
  const doc: JsonObject = { ...(target ?? {}) };
  const meta: JsonObject = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete doc[key];
    } else if (isObject(value)) {
      const inner = merge(isObject(doc[key]) ? (doc[key] as JsonObject) : undefined, value, stamp);
      doc[key] = inner.doc;
      meta[key] = inner.meta;
    } else {
      doc[key] = value;
      meta[key] = { timestamp: stamp };
    }
  }
  return { doc, meta };
}

function delta(desired: JsonObject | undefined, reported: JsonObject | undefined): JsonObject | undefined {
  if (!desired) return undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(desired)) {
    const other = reported?.[key];
    if (isObject(value) && isObject(other)) {
      const inner = delta(value, other);
      if (inner) out[key] = inner;
    } else if (JSON.stringify(value) !== JSON.stringify(other)) {
      out[key] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** AWS IoT keeps a deleted shadow's version for this long: a shadow made again continues from it. */
const DELETED_VERSION_KEPT_MS = 48 * 3_600_000;

/**
 * Classic and named device shadows. The classic shadow has the shadow name "". An update carrying
 * a `version` is applied only when it equals the shadow's latest version (a deleted shadow's, for
 * 48 hours, or 0 for one that never existed); otherwise ConflictException "Version conflict" (409).
 */
export class ShadowStore {
  private readonly shadows = new Map<string, StoredShadow>();
  private readonly deletedVersions = new Map<string, { version: number; at: number }>();

  constructor(private readonly now: () => number) {}

  getThingShadow(thingName: string, shadowName = ''): ShadowDocument {
    const shadow = this.shadows.get(this.key(thingName, shadowName));
    if (!shadow) throw notFound(`No shadow exists with name: '${shadowName || 'classic'}'`);
    return this.render(shadow);
  }

  /** UpdateThingShadow; `payload` is the parsed JSON request body. Returns the accepted document. */
  updateThingShadow(thingName: string, shadowName: string, payload: unknown): ShadowDocument {
    const parsed = updateSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidRequest(`Invalid shadow update at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
    }
    const key = this.key(thingName, shadowName);
    const current = this.shadows.get(key);
    const latest = current?.version ?? this.deletedVersion(key);
    if (parsed.data.version !== undefined && parsed.data.version !== latest) {
      throw new AwsError('ConflictException', 'Version conflict');
    }
    const stamp = Math.floor(this.now() / 1000);
    const next: StoredShadow = current ? { ...current, metadata: { ...current.metadata } } : { metadata: {}, version: latest };
    for (const section of ['desired', 'reported'] as const) {
      const patch = parsed.data.state[section];
      if (patch === undefined) continue;
      if (patch === null) {
        delete next[section];
        delete next.metadata[section];
        continue;
      }
      const merged = merge(next[section], patch as JsonObject, stamp);
      next[section] = merged.doc;
      next.metadata[section] = merge(next.metadata[section], merged.meta, stamp).doc;
    }
    next.version += 1;
    this.shadows.set(key, next);
    return this.render(next);
  }

  deleteThingShadow(thingName: string, shadowName = ''): { version: number; timestamp: number } {
    const key = this.key(thingName, shadowName);
    const shadow = this.shadows.get(key);
    if (!shadow) throw notFound(`No shadow exists with name: '${shadowName || 'classic'}'`);
    this.shadows.delete(key);
    this.deletedVersions.set(key, { version: shadow.version, at: this.now() });
    return { version: shadow.version, timestamp: Math.floor(this.now() / 1000) };
  }

  listNamedShadowsForThing(thingName: string): string[] {
    const prefix = `${thingName}\u0000`;
    return [...this.shadows.keys()].filter((k) => k.startsWith(prefix) && k.length > prefix.length).map((k) => k.slice(prefix.length));
  }

  private deletedVersion(key: string): number {
    const deleted = this.deletedVersions.get(key);
    return deleted !== undefined && this.now() - deleted.at < DELETED_VERSION_KEPT_MS ? deleted.version : 0;
  }

  private key(thingName: string, shadowName: string): string {
    return `${thingName}\u0000${shadowName}`;
  }

  private render(shadow: StoredShadow): ShadowDocument {
    const state: ShadowDocument['state'] = {};
    if (shadow.desired) state.desired = structuredClone(shadow.desired);
    if (shadow.reported) state.reported = structuredClone(shadow.reported);
    const d = delta(shadow.desired, shadow.reported);
    if (d) state.delta = d;
    return {
      state,
      metadata: structuredClone(shadow.metadata),
      version: shadow.version,
      timestamp: Math.floor(this.now() / 1000),
    };
  }
}
