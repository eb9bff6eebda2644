import { describe, expect, it } from 'vitest';
import { JOB_DOCUMENT, NOTIFICATION_DISPLAY_NAME, REPLY_TOPICS, RULE_SQL } from '../../lib/wire-contract.js';
import { replyTopic, requestTopic, SHADOW_NAME } from '../../src/wire-contract.js';

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

  it('keeps the job document, shadow name and notification subject byte-identical to the original', () => {
    expect(JOB_DOCUMENT).toBe('{"operation":"ROTATE_CERTIFICATE"}');
    expect(SHADOW_NAME).toBe('AWSLabsCertificateRotator');
    expect(NOTIFICATION_DISPLAY_NAME).toBe('AWS Labs Certificate Rotator Notification');
  });

  it('answers on the topics the rules listen below', () => {
    expect(requestTopic('create', 'core-1')).toBe('awslabs/things/core-1/certificate/create');
    expect(replyTopic('commit', 'core-1', 'rejected')).toBe('awslabs/things/core-1/certificate/commit/rejected');
    // The rule's topic filter is the request topic with `+` for the thing name.
    expect(RULE_SQL.createCertificate).toContain(`FROM '${requestTopic('create', '+')}'`);
    expect(RULE_SQL.commitCertificate).toContain(`FROM '${requestTopic('commit', '+')}'`);
    expect(REPLY_TOPICS).toEqual({
      createCertificate: ['awslabs/things/*/certificate/create/accepted', 'awslabs/things/*/certificate/create/rejected'],
      commitCertificate: ['awslabs/things/*/certificate/commit/accepted', 'awslabs/things/*/certificate/commit/rejected'],
    });
  });
});
