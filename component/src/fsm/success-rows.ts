import { ROTATE_CERTIFICATE_OPERATION } from '../../../shared/contract/index.js';
import { currentJob, log, markInProgress, markSucceeded } from './actions.js';
import { row, type TransitionRow } from './row.js';

/**
 * ReportingSuccess: the backup is gone and SUCCEEDED is on its way. Better than the original, which
 * sent it once and went Idle: a lost SUCCEEDED left the job to time out after its commit, with both
 * certificates attached until the core's next rotation. Sent once more when no answer comes; an
 * answer either way ends it, and so does AWS IoT announcing the next job (it only does that once
 * this one has ended).
 */
export const SUCCESS_ROWS: readonly TransitionRow[] = [
  row({
    id: 'ReportingSuccess.updateAccepted',
    from: 'ReportingSuccess',
    on: ['updateAccepted'],
    condition: 'this job',
    to: 'Idle',
    when: (event, state) => event.topicJobId === state.jobId,
    does: 'nothing',
    effects: () => ({ actions: [log('info', 'Rotation succeeded')] }),
  }),
  row({
    id: 'ReportingSuccess.updateRejected',
    from: 'ReportingSuccess',
    on: ['updateRejected'],
    condition: 'this job',
    to: 'Idle',
    when: (event, state) => event.topicJobId === state.jobId,
    does: 'nothing',
    effects: (event) => ({
      actions: [log('warn', 'SUCCEEDED was refused: the job had already ended; the new certificate stays', { code: event.code ?? '' })],
    }),
  }),
  row({
    id: 'ReportingSuccess.notifyNext.queued',
    from: 'ReportingSuccess',
    on: ['notifyNext'],
    condition: 'QUEUED rotation job',
    to: 'UpdatingJob',
    when: (event) => event.execution?.status === 'QUEUED' && event.execution.jobDocument?.['operation'] === ROTATE_CERTIFICATE_OPERATION,
    does: 'publish IN_PROGRESS',
    effects: (event, state) => {
      const jobId = event.execution?.jobId ?? '';
      return { jobId, actions: [markInProgress(state, jobId)] };
    },
  }),
  row({
    id: 'ReportingSuccess.timeout',
    from: 'ReportingSuccess',
    on: ['timeout'],
    to: 'Idle',
    does: 'publish SUCCEEDED again',
    effects: (_, state) => ({
      actions: [log('warn', 'No answer to SUCCEEDED; sending it once more'), markSucceeded(state, currentJob(state))],
    }),
  }),
];
