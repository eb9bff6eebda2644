import type { InboundMessage } from '../protocol/inbound.js';

/**
 * The rotator's states: the original's five, plus `Starting` (start-up checks and subscribing,
 * which the original does outside its state classes), `ReportingSuccess` (SUCCEEDED sent, its
 * answer awaited) and `Stopped` (a Greengrass restart was requested; nothing is handled any more).
 */
export const STATE_NAMES = [
  'Starting',
  'Idle',
  'UpdatingJob',
  'CreatingCertificate',
  'GettingJob',
  'CommittingCertificate',
  'ReportingSuccess',
  'Stopped',
] as const;
export type StateName = (typeof STATE_NAMES)[number];

/** States guarded by the state timer: entering one starts it, leaving one cancels it. */
export const TIMED_STATES: ReadonlySet<StateName> = new Set([
  'UpdatingJob',
  'CreatingCertificate',
  'GettingJob',
  'CommittingCertificate',
  'ReportingSuccess',
]);
export const STATE_TIMEOUT_MS = 30_000;
export const RESUBSCRIBE_DELAY_MS = 10_000;

/** Questions about the credential store that some transitions depend on. */
export type FactName = 'backupExists' | 'credentialsMatch';
export type Facts = Partial<Record<FactName, boolean>>;

/** Events produced by effects (answers to actions), as opposed to inbound messages and timers. */
export type EffectResult =
  | { type: 'subscribed' }
  | { type: 'subscribeFailed'; reason: string }
  | { type: 'resubscribe' }
  | { type: 'fact'; fact: FactName; value: boolean }
  | { type: 'csrCreated'; csr: string }
  /** `unsupported` when the store refused the algorithms before generating anything. */
  | { type: 'csrFailed'; reason: string; unsupported: boolean }
  | { type: 'rotateDone' }
  | { type: 'rotateFailed'; reason: string }
  /** The certificate offered cannot be this rotation's; nothing was written. */
  | { type: 'rotateRefused'; reason: string };

export type RotatorEvent = InboundMessage | EffectResult | { type: 'start' } | { type: 'timeout' };
export type EventType = RotatorEvent['type'];
export type EventOf<T extends EventType> = Extract<RotatorEvent, { type: T }>;

/** What an awaited effect answers with; while awaiting, every other event is ignored. */
export const AWAITED_EVENTS = {
  start: ['start'],
  subscribe: ['subscribed', 'subscribeFailed'],
  resubscribe: ['resubscribe'],
  fact: ['fact'],
  csr: ['csrCreated', 'csrFailed'],
  rotate: ['rotateDone', 'rotateFailed', 'rotateRefused'],
} as const satisfies Record<string, readonly EventType[]>;
export type AwaitKind = keyof typeof AWAITED_EVENTS;

export interface RotatorState {
  readonly thingName: string;
  readonly name: StateName;
  /** The job being worked on, once known. */
  readonly jobId?: string;
  /** Set while an effect's answer is due. */
  readonly awaiting?: AwaitKind;
  /** While awaiting a fact: the event being decided and the facts gathered so far. */
  readonly pending?: { readonly event: RotatorEvent; readonly facts: Facts; readonly fact: FactName };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * What the runtime must do. Actions run in order, each finishing before the next; those marked
 * "answers" are always last in their list and their answer is the next event handled.
 */
export type Action =
  /** QoS 0 publish. */
  | { type: 'publish'; topic: string; payload: string }
  /**
   * QoS 0 publish of the FAILED update on `topic`, with `reason` and the id of the certificate the
   * store keeps (the backend retires the other one of a rotation whose commit it had accepted).
   */
  | { type: 'publishFailed'; topic: string; reason: string }
  | { type: 'startTimer'; ms: number }
  | { type: 'cancelTimer' }
  /** Subscribe (QoS 1) to every reply topic not yet subscribed. Answers subscribed / subscribeFailed. */
  | { type: 'subscribe' }
  /** Answers `resubscribe` after `ms`. */
  | { type: 'scheduleResubscribe'; ms: number }
  /** Answers `fact`. */
  | { type: 'queryFact'; fact: FactName }
  /** Check the store supports the configured algorithms, then create the key and CSR. Answers csrCreated / csrFailed. */
  | { type: 'createCsr' }
  /** Back up the current credentials and install the new certificate with the pending key. Answers rotateDone / rotateFailed / rotateRefused. */
  | { type: 'rotate'; certificatePem: string }
  | { type: 'rollback' }
  | { type: 'deleteBackup' }
  /** Ask for Greengrass to be restarted; the instance handles nothing afterwards. */
  | { type: 'restart' }
  | { type: 'log'; level: LogLevel; message: string; fields?: Record<string, string> };

export interface Transition {
  readonly state: RotatorState;
  readonly actions: readonly Action[];
  /** Id of the table row applied; absent when the event was ignored or a fact was asked for. */
  readonly row?: string;
}
