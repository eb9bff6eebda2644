import { ROTATE_CERTIFICATE_OPERATION, type JobExecution } from '../../../shared/contract/index.js';
import { transition } from '../../src/fsm/transition.js';
import type { Action, Facts, RotatorEvent, RotatorState, StateName } from '../../src/fsm/types.js';

export const THING = 'core-7';
export const JOB = 'rotate-42';

export function rotation(status: string, jobId = JOB): JobExecution {
  return { jobId, status, jobDocument: { operation: ROTATE_CERTIFICATE_OPERATION }, versionNumber: 1, executionNumber: 1 };
}

/** A named sample of every kind of event, including variants that rows tell apart. */
export const SAMPLES = {
  start: { type: 'start' },
  timeout: { type: 'timeout' },
  notifyNextQueued: { type: 'notifyNext', execution: rotation('QUEUED') },
  notifyNextInProgress: { type: 'notifyNext', execution: rotation('IN_PROGRESS') },
  notifyNextOtherJob: { type: 'notifyNext', execution: { jobId: 'ota-1', status: 'QUEUED', jobDocument: { operation: 'OTA' } } },
  notifyNextNoDocument: { type: 'notifyNext', execution: { jobId: 'x-1', status: 'QUEUED' } },
  notifyNextEmpty: { type: 'notifyNext' },
  getAcceptedQueued: { type: 'getAccepted', topicJobId: '$next', execution: rotation('QUEUED') },
  getAcceptedInProgress: { type: 'getAccepted', topicJobId: '$next', execution: rotation('IN_PROGRESS') },
  getAcceptedOtherJob: {
    type: 'getAccepted',
    topicJobId: '$next',
    execution: { jobId: 'ota-1', status: 'QUEUED', jobDocument: { operation: 'OTA' } },
  },
  getAcceptedEmpty: { type: 'getAccepted', topicJobId: '$next' },
  getRejected: { type: 'getRejected', topicJobId: '$next', code: 'Throttled' },
  updateAcceptedThisJob: { type: 'updateAccepted', topicJobId: JOB },
  updateAcceptedOtherJob: { type: 'updateAccepted', topicJobId: 'other-1' },
  updateRejectedThisJob: { type: 'updateRejected', topicJobId: JOB, code: 'InvalidStateTransition' },
  updateRejectedOtherJob: { type: 'updateRejected', topicJobId: 'other-1' },
  createAccepted: { type: 'createAccepted', certificatePem: 'NEW-CERT-PEM' },
  createRejected: { type: 'createRejected', errorMsg: 'Pre-conditions not met' },
  commitAccepted: { type: 'commitAccepted' },
  commitRejected: { type: 'commitRejected', errorMsg: 'Pre-conditions not met' },
  subscribed: { type: 'subscribed' },
  subscribeFailed: { type: 'subscribeFailed', reason: 'refused' },
  resubscribe: { type: 'resubscribe' },
  factBackup: { type: 'fact', fact: 'backupExists', value: true },
  factMatch: { type: 'fact', fact: 'credentialsMatch', value: true },
  csrCreated: { type: 'csrCreated', csr: 'CSR-PEM' },
  csrFailed: { type: 'csrFailed', reason: 'boom', unsupported: false },
  rotateDone: { type: 'rotateDone' },
  rotateFailed: { type: 'rotateFailed', reason: 'boom' },
  rotateRefused: { type: 'rotateRefused', reason: 'not for the pending key' },
} satisfies Record<string, RotatorEvent>;
export type SampleName = keyof typeof SAMPLES;

/** A state at rest (not awaiting any answer), with the job id the state would have. */
export function at(name: StateName): RotatorState {
  const withJob =
    name === 'UpdatingJob' || name === 'CreatingCertificate' || name === 'CommittingCertificate' || name === 'ReportingSuccess';
  return { thingName: THING, name, ...(withJob ? { jobId: JOB } : {}) };
}

export interface Run {
  state: RotatorState;
  /** Actions of every step, questions to the store included. */
  actions: Action[];
  /** Facts asked, in order. */
  asked: string[];
  /** Id of the row finally applied, if any. */
  row: string | undefined;
}

/** Feeds an event and answers every fact question from `facts` (a missing answer fails). */
export function decide(state: RotatorState, event: RotatorEvent, facts: Facts = {}): Run {
  const actions: Action[] = [];
  const asked: string[] = [];
  let result = transition(state, event);
  for (;;) {
    actions.push(...result.actions);
    const last = result.actions.at(-1);
    if (last?.type !== 'queryFact') return { state: result.state, actions, asked, row: result.row };
    asked.push(last.fact);
    const value = facts[last.fact];
    if (value === undefined) throw new Error(`unexpected question ${last.fact}`);
    result = transition(result.state, { type: 'fact', fact: last.fact, value });
  }
}

/** Only the actions other than logs, which are free text. */
export function effects(run: Run): Action[] {
  return run.actions.filter((a) => a.type !== 'log' && a.type !== 'queryFact');
}
