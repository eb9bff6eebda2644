import { initialState, transition } from '../component/src/fsm/index.js';
import { ROTATE_CERTIFICATE_OPERATION, type JobExecution } from '../shared/contract/index.js';
import type { RotatorEvent, RotatorState, StateName } from '../component/src/fsm/index.js';

/** One life of a component instance: it starts fresh, then handles `events` in order. */
export interface Life {
  events: RotatorEvent[];
  /** Where the state machine must end for the sequence to be the rotation it claims to be. */
  endsIn: StateName;
}

const JOB_ID = 'bench-rotation-1';

function execution(status: 'QUEUED' | 'IN_PROGRESS'): JobExecution {
  return { jobId: JOB_ID, status, jobDocument: { operation: ROTATE_CERTIFICATE_OPERATION }, versionNumber: 1, executionNumber: 1 };
}

/**
 * The events one core's component handles in a successful rotation, as the runtime feeds them
 * (inbound messages, effect answers and fact answers alike): the first life creates the CSR and
 * installs the certificate, Greengrass restarts, the second life commits.
 */
export function rotationLives(csrPem: string, certificatePem: string): Life[] {
  return [
    {
      endsIn: 'Stopped',
      events: [
        { type: 'start' },
        { type: 'fact', fact: 'backupExists', value: false },
        { type: 'subscribed' },
        { type: 'getAccepted', topicJobId: '$next' },
        { type: 'fact', fact: 'backupExists', value: false },
        { type: 'notifyNext', execution: execution('QUEUED') },
        { type: 'updateAccepted', topicJobId: JOB_ID, status: 'IN_PROGRESS' },
        { type: 'csrCreated', csr: csrPem },
        { type: 'createAccepted', certificatePem },
        { type: 'rotateDone' },
      ],
    },
    {
      endsIn: 'Idle',
      events: [
        { type: 'start' },
        { type: 'fact', fact: 'backupExists', value: true },
        { type: 'fact', fact: 'credentialsMatch', value: true },
        { type: 'subscribed' },
        { type: 'getAccepted', topicJobId: '$next', execution: execution('IN_PROGRESS') },
        { type: 'fact', fact: 'backupExists', value: true },
        { type: 'commitAccepted' },
        // The backup is gone; the core waits for AWS IoT to take SUCCEEDED before it is idle.
        { type: 'updateAccepted', topicJobId: JOB_ID, status: 'SUCCEEDED' },
      ],
    },
  ];
}

/**
 * Feeds every life through the transition function once; returns the number of transitions.
 * Throws when an event is ignored or a life ends elsewhere: then the sequence no longer
 * describes a rotation and its throughput would mean nothing.
 */
export function replay(lives: readonly Life[], thingName: string): number {
  let count = 0;
  for (const life of lives) {
    let state: RotatorState = initialState(thingName);
    for (const event of life.events) {
      const next = transition(state, event);
      if (next.actions.length === 0 && next.row === undefined) {
        throw new Error(`event ${event.type} was ignored in ${state.name}`);
      }
      state = next.state;
      count += 1;
    }
    if (state.name !== life.endsIn) throw new Error(`life ended in ${state.name}, expected ${life.endsIn}`);
  }
  return count;
}
