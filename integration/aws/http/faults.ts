import type { OperationRef } from './service-name.js';

/**
 * Injected throttling: the next N calls of an operation fail with the service's throttling error
 * before they reach the model, so a throttled call changes nothing (as with AWS).
 */
export class ThrottleFaults {
  private readonly remaining = new Map<OperationRef, number>();

  /** Makes the next `count` calls of `operation` (e.g. `iot:ListThingPrincipalsV2`) fail; 0 clears. */
  throttleNext(operation: OperationRef, count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number, got ${count}`);
    if (count === 0) this.remaining.delete(operation);
    else this.remaining.set(operation, count);
  }

  /** Consumes one pending fault of `operation`; true when this call is to be throttled. */
  take(operation: OperationRef): boolean {
    const left = this.remaining.get(operation) ?? 0;
    if (left === 0) return false;
    if (left === 1) this.remaining.delete(operation);
    else this.remaining.set(operation, left - 1);
    return true;
  }

  /** Faults not yet consumed, per operation. */
  pending(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.remaining);
  }
}
