import {
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  UpdateThingShadowCommand,
  type IoTDataPlaneClient,
} from '@aws-sdk/client-iot-data-plane';
import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import type { Invocation } from '../runtime/invocation.js';

/**
 * The named shadow that records how far a rotation got. Its reported state is the contract between
 * the three functions: create writes `created` with both ids and the job, commit writes
 * `committed`, the terminal function reads it and deletes the shadow, except when the job ended
 * after its commit without telling which certificate the core kept: then it writes `unsettled`,
 * and the core's next rotation settles it.
 */
export type RotationProgress = 'created' | 'committed' | 'unsettled';

export interface RotationRecord {
  progress: RotationProgress;
  oldCertificateId: string;
  newCertificateId: string;
  /** The job execution the certificate was issued for; absent in records of the original backend. */
  jobId?: string;
}

const reportedSchema = z.object({
  state: z.object({
    reported: z.object({
      progress: z.string(),
      oldCertificateId: z.string(),
      newCertificateId: z.string(),
      jobId: z.optional(z.string().check(z.minLength(1))),
    }),
  }),
});

const PROGRESSES: ReadonlySet<string> = new Set<RotationProgress>(['created', 'committed', 'unsettled']);

/** The record in a shadow document, or undefined when it lacks an id or a known progress. */
export function rotationRecordOf(document: unknown): RotationRecord | undefined {
  const parsed = reportedSchema.safeParse(document);
  if (!parsed.success) return undefined;
  const { progress, oldCertificateId, newCertificateId, jobId } = parsed.data.state.reported;
  if (!PROGRESSES.has(progress)) return undefined;
  return { progress: progress as RotationProgress, oldCertificateId, newCertificateId, ...(jobId === undefined ? {} : { jobId }) };
}

const claimSchema = z.object({ state: z.object({ reported: z.object({ jobId: z.string().check(z.minLength(1)) }) }) });

/** The job a shadow document names, whatever its progress (a claim under way names one too). */
export function recordedJobOf(document: unknown): string | undefined {
  const parsed = claimSchema.safeParse(document);
  return parsed.success ? parsed.data.state.reported.jobId : undefined;
}

const createdAtSchema = z.object({ metadata: z.object({ reported: z.object({ newCertificateId: z.object({ timestamp: z.number() }) }) }) });

/**
 * When the new certificate was recorded (create's write), in epoch seconds: AWS IoT stamps each
 * reported field in the document's metadata.
 */
export function createdAtOf(document: unknown): number | undefined {
  const parsed = createdAtSchema.safeParse(document);
  return parsed.success ? parsed.data.metadata.reported.newCertificateId.timestamp : undefined;
}

export interface ShadowRef {
  thingName: string;
  shadowName: string;
}

/** The shadow document, parsed; throws when the shadow is missing or unreadable. */
export async function readShadow(iotData: IoTDataPlaneClient, ref: ShadowRef, invocation: Invocation): Promise<unknown> {
  const answer = await invocation.call('GetThingShadow', () => iotData.send(new GetThingShadowCommand(ref)));
  if (answer.payload === undefined) throw new Error('GetThingShadow returned no payload');
  return JSON.parse(new TextDecoder().decode(answer.payload)) as unknown;
}

/**
 * Writes the reported state. With `version`, AWS IoT applies it only if the shadow is still at that
 * version (else ConflictException, HTTP 409); the answer is the version the write produced.
 */
export async function reportProgress(
  iotData: IoTDataPlaneClient,
  ref: ShadowRef,
  reported: Record<string, string | null>,
  invocation: Invocation,
  version?: number,
): Promise<number | undefined> {
  const payload = new TextEncoder().encode(JSON.stringify({ state: { reported }, ...(version === undefined ? {} : { version }) }));
  const answer = await invocation.call('UpdateThingShadow', () => iotData.send(new UpdateThingShadowCommand({ ...ref, payload })));
  return versionOf(answer.payload === undefined ? undefined : parseJson(answer.payload));
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/** The `version` of a shadow document, when it has one. */
export function versionOf(document: unknown): number | undefined {
  const parsed = z.object({ version: z.number().check(z.int()) }).safeParse(document);
  return parsed.success ? parsed.data.version : undefined;
}

export async function deleteShadow(iotData: IoTDataPlaneClient, ref: ShadowRef, invocation: Invocation): Promise<void> {
  await invocation.call('DeleteThingShadow', () => iotData.send(new DeleteThingShadowCommand(ref)));
}
