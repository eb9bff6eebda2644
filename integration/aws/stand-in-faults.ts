import type { IotBroker } from './broker/iot-broker.js';
import type { HookOutcome, MessageFaultOptions } from './broker/faults.js';
import type { AwsModel } from './model/aws-model.js';
import type { CertificateRecord } from './model/registry/certificates.js';
import { fixedDetachPropagation } from './model/registry/detach-propagation.js';
import type { RulesEngine } from './rules/rules-engine.js';

/** The faults a test or demo can inject into the AWS side. */
export class StandInFaults {
  constructor(
    private readonly model: AwsModel,
    private readonly broker: IotBroker,
    private readonly rules: RulesEngine,
  ) {}

  /** Drops the next message(s) on a matching topic; direction `inbound` = device to AWS. */
  dropNext(topicFilter: string, options?: MessageFaultOptions): void {
    this.broker.faults.dropNext(topicFilter, options);
  }

  delayNext(topicFilter: string, delayMs: number, options?: MessageFaultOptions): void {
    this.broker.faults.delayNext(topicFilter, delayMs, options);
  }

  /** Passes the next matching message on twice. */
  duplicateNext(topicFilter: string, options?: MessageFaultOptions): void {
    this.broker.faults.duplicateNext(topicFilter, options);
  }

  /** Runs `run` as the next matching message passes (to cut a device's power there, say), then delivers or drops it. */
  hookNext(
    topicFilter: string,
    run: (message: { topic: string; payload: Buffer }) => void,
    then: HookOutcome,
    options?: MessageFaultOptions,
  ): void {
    this.broker.faults.hookNext(topicFilter, run, then, options);
  }

  /** Clears every message fault, or those of one client (and on topics naming it). */
  clearMessageFaults(clientId?: string): void {
    this.broker.faults.clear(clientId);
  }

  /** Closes the client's MQTT connection(s); returns how many. */
  disconnect(clientId: string): number {
    return this.broker.disconnect(clientId);
  }

  /**
   * Sets every certificate created from now on INACTIVE as soon as it appears (after `delayMs` of
   * real time if given), like an operator or a security tool reacting to new certificates.
   * Returns the function that stops it.
   */
  deactivateNewCertificates(options: { delayMs?: number; filter?: (certificate: CertificateRecord) => boolean } = {}): () => void {
    const seen = new Set<string>();
    return this.model.registry.certificates.onEvent((event) => {
      if (event.kind === 'created') seen.add(event.certificateId);
      if (!seen.has(event.certificateId) || event.status !== 'ACTIVE' || event.kind === 'deleted') return;
      const record = this.model.registry.certificates.find(event.certificateId);
      if (!record || (options.filter && !options.filter(record))) return;
      const deactivate = (): void => {
        if (this.model.registry.certificates.find(event.certificateId)?.status === 'ACTIVE') {
          this.model.registry.updateCertificate(event.certificateId, 'INACTIVE');
        }
      };
      if (options.delayMs === undefined) queueMicrotask(deactivate);
      else setTimeout(deactivate, options.delayMs).unref();
    });
  }

  /**
   * Makes every DetachThingPrincipal from now on take `delayMs` to propagate, far longer than AWS
   * usually takes, so DeleteCertificate keeps answering DeleteConflictException meanwhile. Returns
   * the function that restores the previous behaviour.
   */
  slowDetachPropagation(delayMs: number): () => void {
    const registry = this.model.registry;
    const previous = registry.detachPropagation;
    registry.detachPropagation = fixedDetachPropagation(delayMs);
    return () => {
      registry.detachPropagation = previous;
    };
  }

  disableRule(ruleName: string): void {
    this.rules.disableTopicRule(ruleName);
  }

  enableRule(ruleName: string): void {
    this.rules.enableTopicRule(ruleName);
  }
}
