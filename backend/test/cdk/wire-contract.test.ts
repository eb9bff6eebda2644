import { describe, expect, it } from 'vitest';
import { JOB_DOCUMENT, RULE_SQL } from '../../lib/wire-contract.js';

describe('wire contract', () => {
  it('keeps the SQL byte-identical to the original', () => {
    expect(RULE_SQL.createCertificate).toBe(
      "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/create'",
    );
    expect(RULE_SQL.commitCertificate).toBe(
      "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/commit'",
    );
    expect(RULE_SQL.jobExecutionTerminal).toBe(
      "SELECT * FROM '$aws/events/jobExecution/#' WHERE isUndefined(statusDetails.CertificateRotator) = false",
    );
  });

  it('keeps the job document byte-identical to the original', () => {
    expect(JOB_DOCUMENT).toBe('{"operation":"ROTATE_CERTIFICATE"}');
  });
});
