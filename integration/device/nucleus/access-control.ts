import { z } from 'zod';

/** IPC service identifiers used in `accessControl`. */
export const MQTT_PROXY_SERVICE = 'aws.greengrass.ipc.mqttproxy';

export interface AuthorizationPolicy {
  policyId: string;
  operations: string[];
  resources: string[];
}

const policySchema = z.object({
  policyDescription: z.string().optional(),
  operations: z.array(z.string().min(1)).min(1),
  resources: z.array(z.string().min(1)).default([]),
});
const accessControlSchema = z.record(z.string(), z.record(z.string(), policySchema));

/**
 * The policies a component's configuration grants for one IPC service. A malformed
 * `accessControl` grants nothing (and says which field is wrong), as a policy Greengrass
 * cannot parse authorises nothing.
 */
export function policiesFor(configuration: unknown, service: string): { policies: AuthorizationPolicy[]; problem?: string } {
  const accessControl = (configuration as { accessControl?: unknown } | undefined)?.accessControl;
  if (accessControl === undefined) return { policies: [] };
  const parsed = accessControlSchema.safeParse(accessControl);
  if (!parsed.success) return { policies: [], problem: `accessControl: ${z.prettifyError(parsed.error)}` };
  const policies = Object.entries(parsed.data[service] ?? {}).map(([policyId, p]) => ({
    policyId,
    operations: p.operations,
    resources: p.resources,
  }));
  return { policies };
}

export type ResourceStyle = 'standard' | 'mqtt';

/**
 * Whether any policy allows `operation` on `resource`. Operations match exactly or by `*`.
 * Resources match by glob `*` (any characters, `${*}` for a literal star) and, in MQTT style
 * (the MQTT proxy), by `+` and `#` too, the requested topic filter having to be covered by
 * the policy's.
 */
export function isAuthorized(policies: readonly AuthorizationPolicy[], operation: string, resource: string, style: ResourceStyle): boolean {
  return policies.some(
    (p) =>
      p.operations.some((op) => op === '*' || op === operation) && p.resources.some((pattern) => resourceMatches(pattern, resource, style)),
  );
}

type Token = { kind: 'literal'; char: string } | { kind: 'glob' } | { kind: 'single' } | { kind: 'multi' };

function tokenize(pattern: string, style: ResourceStyle): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.startsWith('${*}', i)) {
      tokens.push({ kind: 'literal', char: '*' });
      i += 3;
      continue;
    }
    const char = pattern[i]!;
    const levelStart = i === 0 || pattern[i - 1] === '/';
    const levelEnd = i === pattern.length - 1 || pattern[i + 1] === '/';
    if (char === '*') tokens.push({ kind: 'glob' });
    else if (style === 'mqtt' && char === '+' && levelStart && levelEnd) tokens.push({ kind: 'single' });
    else if (style === 'mqtt' && char === '#' && levelStart && i === pattern.length - 1) tokens.push({ kind: 'multi' });
    else tokens.push({ kind: 'literal', char });
  }
  return tokens;
}

export function resourceMatches(pattern: string, resource: string, style: ResourceStyle): boolean {
  if (pattern === '*') return true;
  const tokens = tokenize(pattern, style);
  const match = (t: number, r: number): boolean => {
    if (t === tokens.length) return r === resource.length;
    const token = tokens[t]!;
    switch (token.kind) {
      case 'glob':
        for (let k = r; k <= resource.length; k++) if (match(t + 1, k)) return true;
        return false;
      case 'multi':
        return true;
      case 'single': {
        const end = resource.indexOf('/', r);
        const levelEnd = end === -1 ? resource.length : end;
        // `+` covers one level of a topic or of a filter, but not a filter's `#`.
        if (resource.slice(r, levelEnd) === '#') return false;
        return match(t + 1, levelEnd);
      }
      case 'literal':
        return resource[r] === token.char && match(t + 1, r + 1);
    }
  };
  return match(0, 0);
}
