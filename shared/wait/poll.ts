/**
 * Waiting for a condition outside a test: read a value until it says done or the time runs out.
 * Tests use vitest's `expect.poll` instead (its defaults are set in vitest.config.ts).
 */
export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Injected with `now` by tests that run on fake time. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface Polled<T> {
  /** The last value read. */
  value: T;
  /** Whether `done` held for it; false when the time ran out first. */
  done: boolean;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads `probe` until `done` holds for its value or `timeoutMs` passes, and returns the last value. */
export async function pollUntil<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, options: PollOptions): Promise<Polled<T>> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, done: true };
    if (now() >= deadline) return { value, done: false };
    await sleep(options.intervalMs);
  }
}

/** Waits until `condition` holds; fails naming `what` if it does not within `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, options: PollOptions): Promise<void> {
  const { done } = await pollUntil(condition, (held) => held, options);
  if (!done) throw new Error(`timed out after ${options.timeoutMs / 1000} s waiting for ${what}`);
}
