import { STATUS_DETAILS_MARKER } from './job-document.js';
import { JOB_EXECUTION_EVENTS_FILTER, requestTopic, type RequestKind } from './topics.js';

/** IoT SQL version of the three topic rules. */
export const RULE_SQL_VERSION = '2016-03-23';

export interface RuleSql {
  createCertificate: string;
  commitCertificate: string;
  jobExecutionTerminal: string;
}

/**
 * The three rules' SQL, as the original writes it. The named projections come after `*`, so a
 * device cannot override the thing name, topic, client id or principal with payload fields; they
 * are the fields `createRequestSchema` and `commitRequestSchema` read.
 */
export function renderRuleSql(): RuleSql {
  const deviceRequest = (kind: RequestKind): string =>
    `SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM '${requestTopic(kind, '+')}'`;
  return {
    createCertificate: deviceRequest('create'),
    commitCertificate: deviceRequest('commit'),
    jobExecutionTerminal: `SELECT * FROM '${JOB_EXECUTION_EVENTS_FILTER}' WHERE isUndefined(statusDetails.${STATUS_DETAILS_MARKER}) = false`,
  };
}
