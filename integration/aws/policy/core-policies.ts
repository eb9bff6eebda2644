import type { AccountContext } from '../model/arn.js';

/**
 * The AWS IoT policies a Greengrass core can be provisioned with. The least-privilege one is what
 * Greengrass's documented minimal core policy grants over MQTT, plus the certificate rotator's own
 * topics, scoped to the connection's thing with `${iot:Connection.Thing.ThingName}`; README.md
 * shows the same document. The permissive one is what the Greengrass installer's defaults amount
 * to: every action on every resource.
 */
const THING = '${iot:Connection.Thing.ThingName}';

export function leastPrivilegeCorePolicy(ctx: AccountContext): string {
  const arn = (resource: string): string => `arn:aws:iot:${ctx.region}:${ctx.accountId}:${resource}`;
  const things = `$aws/things/${THING}`;
  const rotator = `awslabs/things/${THING}/certificate`;
  const replies = ['create/accepted', 'create/rejected', 'commit/accepted', 'commit/rejected'].map((r) => `${rotator}/${r}`);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      // The nucleus connects as <thing>, and as <thing>#2, #3, ... when it needs more connections.
      { Effect: 'Allow', Action: 'iot:Connect', Resource: [arn(`client/${THING}`), arn(`client/${THING}#*`)] },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: [`${things}/greengrass/health/json`, `${things}/greengrassv2/health/json`, `${things}/jobs/*`, `${things}/shadow/*`].map(
          (t) => arn(`topic/${t}`),
        ),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: [`${things}/jobs/*`, `${things}/shadow/*`].map((t) => arn(`topicfilter/${t}`)),
      },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: [`${rotator}/create`, `${rotator}/commit`].map((t) => arn(`topic/${t}`)) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: replies.map((t) => arn(`topicfilter/${t}`)) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: replies.map((t) => arn(`topic/${t}`)) },
    ],
  });
}

export const PERMISSIVE_CORE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['iot:*', 'greengrass:*'], Resource: '*' }],
});
