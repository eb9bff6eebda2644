export interface ValidationEvent {
  deploymentId: string;
  configuration: Record<string, unknown>;
}

export interface ValidityReport {
  status: 'ACCEPTED' | 'REJECTED';
  message: string;
}

type Validator = (event: ValidationEvent) => void;

/** Greengrass waits this long for every validity report before failing the deployment. */
export const DEFAULT_VALIDATION_TIMEOUT_MS = 20_000;

/**
 * Between a configuration deployment and the components that validate proposals over IPC:
 * sends each subscribed component the proposal and waits for its SendConfigurationValidityReport.
 */
export class ValidationBroker {
  private readonly validators = new Map<string, Set<Validator>>();
  private readonly waiting = new Map<string, (report: ValidityReport) => void>();

  addValidator(component: string, validator: Validator): () => void {
    const set = this.validators.get(component) ?? new Set<Validator>();
    set.add(validator);
    this.validators.set(component, set);
    return () => {
      set.delete(validator);
      if (set.size === 0 && this.validators.get(component) === set) this.validators.delete(component);
    };
  }

  hasValidator(component: string): boolean {
    return (this.validators.get(component)?.size ?? 0) > 0;
  }

  /**
   * Asks `component` to validate; resolves with its report, with undefined when it does not
   * validate (no subscription: the proposal applies), and rejects on timeout.
   */
  async validate(
    component: string,
    event: ValidationEvent,
    timeoutMs = DEFAULT_VALIDATION_TIMEOUT_MS,
  ): Promise<ValidityReport | undefined> {
    const validators = this.validators.get(component);
    if (!validators || validators.size === 0) return undefined;
    const key = `${component}\u0000${event.deploymentId}`;
    const report = new Promise<ValidityReport>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no validity report from ${component} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (r) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(r);
      });
    });
    for (const validator of validators) validator(structuredClone(event));
    return report;
  }

  /** A component's report; false when nothing waits for it (timed out or never asked). */
  report(component: string, deploymentId: string, report: ValidityReport): boolean {
    const resolve = this.waiting.get(`${component}\u0000${deploymentId}`);
    if (!resolve) return false;
    resolve(report);
    return true;
  }
}
