import { describe, expect, it } from 'vitest';
import { renderRuleSql, requestTopic } from '../../../shared/contract/index.js';
import { REPLY_TOPICS } from '../../lib/rotator-policies.js';

// The strings themselves are held to the original by shared/contract/original-wire.test.ts.
describe('the construct and the wire contract', () => {
  it('answers on the topics the rules listen below', () => {
    const RULE_SQL = renderRuleSql();
    // The rule's topic filter is the request topic with `+` for the thing name.
    expect(RULE_SQL.createCertificate).toContain(`FROM '${requestTopic('create', '+')}'`);
    expect(RULE_SQL.commitCertificate).toContain(`FROM '${requestTopic('commit', '+')}'`);
    expect(REPLY_TOPICS).toEqual({
      createCertificate: ['awslabs/things/*/certificate/create/accepted', 'awslabs/things/*/certificate/create/rejected'],
      commitCertificate: ['awslabs/things/*/certificate/commit/accepted', 'awslabs/things/*/certificate/commit/rejected'],
    });
  });
});
