import type { Action } from '../../src/fsm/types.js';
import { JOB, THING } from './fsm-fixtures.js';

/** The actions the transition tests expect, spelled out once. */
export const UPDATE = `$aws/things/${THING}/jobs/${JOB}/update`;
export const IN_PROGRESS = '{"status":"IN_PROGRESS","statusDetails":{"CertificateRotator":true}}';
export const failed = (reason: string): Action => ({ type: 'publishFailed', topic: UPDATE, reason });
export const SUCCEEDED: Action = { type: 'publish', topic: UPDATE, payload: '{"status":"SUCCEEDED"}' };
export const START_TIMER: Action = { type: 'startTimer', ms: 30_000 };
export const CANCEL_TIMER: Action = { type: 'cancelTimer' };
export const ROLLBACK: Action = { type: 'rollback' };
export const RESTART: Action = { type: 'restart' };
