/** Time source of the model. Injected so tests can drive timeouts and rollout rates by hand. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `callback` once after `delayMs`; real timers never keep the process alive. */
  setTimer(delayMs: number, callback: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface PendingTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to; timers fire in due order during `advance`. */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers: PendingTimer[] = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): Timer {
    const timer: PendingTimer = { at: this.current + Math.max(0, delayMs), seq: this.seq++, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones they schedule). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.cancelled = true;
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = target;
    this.timers.splice(0, this.timers.length, ...this.timers.filter((t) => !t.cancelled));
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/**
 * How long one AWS "minute" lasts in this model. AWS expresses job timeouts and rollout rates in
 * minutes; demos and tests shrink the minute to milliseconds.
 */
export interface TimeScale {
  minuteMs: number;
}

export const REAL_TIME: TimeScale = { minuteMs: 60_000 };

/**
 * Real time that can be moved forward: tests of what happens days or months later (certificates
 * that come due, audits that come round) run against a live system. Moving it fires every timer
 * that falls due, in due order; the others keep their remaining time. Certificates are still
 * checked against the real time by TLS, so only the model's view of "now" moves.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void; handle: NodeJS.Timeout }>();

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.offsetMs;
  }

  setTimer(delayMs: number, callback: () => void): Timer {
    const id = this.seq++;
    this.schedule(id, this.now() + Math.max(0, delayMs), callback);
    return {
      cancel: () => {
        clearTimeout(this.timers.get(id)?.handle);
        this.timers.delete(id);
      },
    };
  }

  /** Moves time forward by `ms` and fires the timers that fall due, earliest first. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`OffsetClock only moves forward; got ${ms} ms`);
    this.offsetMs += ms;
    const now = this.now();
    const due = [...this.timers.entries()].filter(([, t]) => t.at <= now).sort(([a, x], [b, y]) => x.at - y.at || a - b);
    for (const [id, timer] of this.timers) {
      clearTimeout(timer.handle);
      if (timer.at > now) this.schedule(id, timer.at, timer.callback);
    }
    for (const [id, timer] of due) {
      this.timers.delete(id);
      timer.callback();
    }
  }

  private schedule(id: number, at: number, callback: () => void): void {
    const handle = setTimeout(
      () => {
        this.timers.delete(id);
        callback();
      },
      Math.max(0, at - this.now()),
    );
    handle.unref();
    this.timers.set(id, { at, callback, handle });
  }
}
