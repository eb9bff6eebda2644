import { AwsError } from '../model/errors.js';

/**
 * The account's concurrency limit: the invocations all its functions may run at once, beyond
 * which Lambda throttles (an asynchronous event waits in Lambda's queue until there is room).
 * AWS gives an account 1,000. The stand-in runs each execution environment as a Node.js process
 * on the machine that also runs the broker, the APIs and the cores; a few dozen processes is what
 * two CPU cores and the memory of a build machine hold without the fleet's own work starving, so
 * the stand-in's account is smaller. Nothing in the backend depends on the figure: it sets no
 * reserved concurrency and its invocations last seconds.
 */
export const ACCOUNT_CONCURRENCY_LIMIT = 32;

/**
 * Lambda keeps at least 100 of an account's 1,000 unreserved (UnreservedConcurrentExecutions
 * cannot go below it); the stand-in keeps the same tenth of its smaller account.
 */
export const MIN_UNRESERVED_SHARE = 0.1;

/**
 * A count of invocations running at once. Each function has its own queue of invocations waiting
 * for room, as each has its own asynchronous event queue in Lambda; room that frees up goes to the
 * functions in turn, first come first served within a function, so that one function's backlog
 * does not hold up another's invocations.
 */
export class ConcurrencyLimit {
  private inUse = 0;
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private limitValue: number) {}

  get limit(): number {
    return this.limitValue;
  }

  get running(): number {
    return this.inUse;
  }

  /** Changes the limit (reserved concurrency set or removed); waiting invocations start if there is now room. */
  resize(limit: number): void {
    this.limitValue = limit;
    this.admit();
  }

  /** Waits for room, then holds one unit until the returned release is called (once). */
  async acquire(functionName: string): Promise<() => void> {
    if (this.inUse < this.limitValue && this.waiting.size === 0) this.inUse += 1;
    else {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(functionName);
        if (queue) queue.push(resolve);
        else this.waiting.set(functionName, [resolve]);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= 1;
      this.admit();
    };
  }

  private admit(): void {
    while (this.inUse < this.limitValue && this.waiting.size > 0) {
      // The function that has waited longest for its turn: the first in the map, which goes to the back.
      const [functionName, queue] = this.waiting.entries().next().value as [string, Array<() => void>];
      this.waiting.delete(functionName);
      const next = queue.shift();
      if (queue.length > 0) this.waiting.set(functionName, queue);
      this.inUse += 1;
      next?.();
    }
  }
}

/**
 * The account's pool and the functions' reserved concurrency: a function with reserved
 * concurrency has a limit of its own, taken out of the account's unreserved pool, as Lambda does.
 */
export class AccountConcurrency {
  readonly unreserved: ConcurrencyLimit;
  private readonly reserved = new Map<string, ConcurrencyLimit>();

  constructor(readonly accountLimit = ACCOUNT_CONCURRENCY_LIMIT) {
    this.unreserved = new ConcurrencyLimit(accountLimit);
  }

  /** The limit a function's invocations count against. */
  limitOf(functionName: string): ConcurrencyLimit {
    return this.reserved.get(functionName) ?? this.unreserved;
  }

  /** PutFunctionConcurrency; refused as Lambda refuses it when the unreserved pool would fall below its minimum. */
  putReserved(functionName: string, reservedConcurrentExecutions: number): void {
    const others = [...this.reserved].filter(([name]) => name !== functionName).reduce((sum, [, limit]) => sum + limit.limit, 0);
    const minimum = Math.ceil(this.accountLimit * MIN_UNRESERVED_SHARE);
    if (!Number.isInteger(reservedConcurrentExecutions) || reservedConcurrentExecutions < 0) {
      throw new AwsError('InvalidParameterValueException', 'ReservedConcurrentExecutions must be a whole number of 0 or more');
    }
    if (this.accountLimit - others - reservedConcurrentExecutions < minimum) {
      throw new AwsError(
        'InvalidParameterValueException',
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
      );
    }
    const existing = this.reserved.get(functionName);
    if (existing) existing.resize(reservedConcurrentExecutions);
    else this.reserved.set(functionName, new ConcurrencyLimit(reservedConcurrentExecutions));
    this.unreserved.resize(this.accountLimit - others - reservedConcurrentExecutions);
  }

  /** DeleteFunctionConcurrency, and a deleted function: its reservation returns to the pool. */
  deleteReserved(functionName: string): void {
    if (!this.reserved.delete(functionName)) return;
    const total = [...this.reserved.values()].reduce((sum, limit) => sum + limit.limit, 0);
    this.unreserved.resize(this.accountLimit - total);
  }
}
