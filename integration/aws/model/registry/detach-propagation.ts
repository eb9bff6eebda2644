/**
 * How long a DetachThingPrincipal takes before AWS IoT stops counting the attachment (in
 * ListThingPrincipals and in DeleteCertificate's check): drawn afresh for every detach.
 */
export type DetachPropagation = () => number;

/** The longest the default delay lasts. */
export const DEFAULT_DETACH_PROPAGATION_MAX_MS = 300;

/**
 * AWS IoT's detach is eventually consistent: a DeleteCertificate right after it is refused with
 * DeleteConflictException only now and then. By default half of the detaches take effect at once
 * and the others within DEFAULT_DETACH_PROPAGATION_MAX_MS, so a caller that does not retry fails
 * sometimes rather than always or never.
 */
export function awsDetachPropagation(random: () => number = Math.random): DetachPropagation {
  return () => (random() < 0.5 ? 0 : Math.round(random() * DEFAULT_DETACH_PROPAGATION_MAX_MS));
}

/** Every detach takes `delayMs` (0: at once); a long one is an injected fault. */
export function fixedDetachPropagation(delayMs: number): DetachPropagation {
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`detach propagation delay must be >= 0 ms, got ${delayMs}`);
  return () => delayMs;
}

/** A number is a fixed delay; a function draws one per detach; nothing is AWS's behaviour. */
export function detachPropagationOf(setting: number | DetachPropagation | undefined): DetachPropagation {
  if (setting === undefined) return awsDetachPropagation();
  return typeof setting === 'number' ? fixedDetachPropagation(setting) : setting;
}
