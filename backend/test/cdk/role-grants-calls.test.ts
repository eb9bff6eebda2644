import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { SYNTHESIS_TIMEOUT_MS } from '../../../shared/test/support/timeouts.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRY_FILES, type HandlerName } from '../../lib/handler-bundling.js';
import type { CertificateRotatorBackend } from '../../lib/certificate-rotator-backend.js';
import { SdkCallGraph, sourcePath } from './sdk-calls.js';
import { IOT, PCA_ARN, roleStatements, synthBackend, type Synthesized } from './support.js';

/**
 * A static cross-check of code against policy: each function's role must grant every AWS call its
 * handler's code can make, and nothing else. A call added to a handler without its permission (or
 * a permission left behind after its call was removed) fails here, long before AWS would deny it.
 */

const HANDLERS: readonly HandlerName[] = ['create-certificate', 'commit-certificate', 'job-execution-terminal', 'job-execution-events'];

const roleOf = (backend: CertificateRotatorBackend, handler: HandlerName) => {
  if (handler === 'rotation-scheduler') {
    if (backend.scheduler === undefined) throw new Error('this backend has no rotation scheduler');
    return backend.scheduler.function.role;
  }
  return {
    'create-certificate': backend.createCertificate.role,
    'commit-certificate': backend.commitCertificate.role,
    'job-execution-terminal': backend.jobExecutionTerminal.role,
    'job-execution-events': backend.jobExecutionEvents.handler.role,
  }[handler];
};

const SCHEDULE = { thingGroups: ['Fleet', 'OtherFleet'] };

/**
 * The actions a function's role grants, its own log writing aside, and the KMS use that publishing
 * to a topic with a key of its own needs (SNS calls KMS on the publisher's behalf, not the code).
 */
function grantedActions(s: Synthesized, handler: HandlerName): string[] {
  const roleId = s.stack.getLogicalId(roleOf(s.backend, handler).node.defaultChild as CfnRole);
  return [...new Set(roleStatements(s.template, roleId).flatMap((st) => st.actions))]
    .filter((a) => !a.startsWith('logs:') && !a.startsWith('kms:'))
    .sort();
}

describe('each function role against the AWS calls in its handler code', () => {
  let graph: SdkCallGraph;
  let issuers: { iot: ReturnType<SdkCallGraph['declaration']>; pca: ReturnType<SdkCallGraph['declaration']> };
  let deployed: { iot: Synthesized; pca: Synthesized };

  const found = new Map<string, string[]>();
  /** Calls reachable from the handler whatever the issuer, plus those of the issuer given. */
  const callsOf = (handler: HandlerName, issuer: 'iot' | 'pca'): string[] => {
    const key = `${handler}/${issuer}`;
    const known = found.get(key);
    if (known !== undefined) return known;
    const common = graph.actionsReachableFrom(
      [graph.declaration(sourcePath(HANDLER_ENTRY_FILES[handler]), 'handler')],
      [issuers.iot, issuers.pca],
    );
    const issuing = handler === 'create-certificate' ? graph.actionsReachableFrom([issuers[issuer]]) : new Set<string>();
    const calls = [...new Set([...common, ...issuing])].sort();
    found.set(key, calls);
    return calls;
  };

  beforeAll(() => {
    graph = new SdkCallGraph(HANDLERS.map((h) => sourcePath(HANDLER_ENTRY_FILES[h])));
    issuers = {
      iot: graph.declaration(sourcePath('issuers/iot-core-issuer.ts'), 'iotCoreIssuer'),
      pca: graph.declaration(sourcePath('issuers/private-ca-issuer.ts'), 'privateCaIssuer'),
    };
    deployed = { iot: synthBackend(), pca: synthBackend({ privateCaArn: PCA_ARN }) };
  }, SYNTHESIS_TIMEOUT_MS);

  it('follows calls through helpers, and only the helpers a handler uses', () => {
    // Removing a certificate it issued, when installing it fails, goes through certificate-retirement.
    expect(callsOf('create-certificate', 'iot')).toEqual(
      expect.arrayContaining([
        'iot:UpdateCertificate',
        'iot:DetachThingPrincipal',
        'iot:DetachPolicy',
        'iot:DeleteCertificate',
        'iot:DeleteThingShadow',
      ]),
    );
    // The terminal function's SNS publish is not reachable from create, although both use helpers of aws/.
    expect(callsOf('create-certificate', 'iot')).not.toContain('sns:Publish');
    // Settling an earlier rotation and the claim read the shadow.
    expect(callsOf('create-certificate', 'iot')).toContain('iot:GetThingShadow');
    expect(callsOf('commit-certificate', 'iot')).toContain('iot:GetThingShadow');
    expect(callsOf('create-certificate', 'iot')).toContain('iot:CreateCertificateFromCsr');
    expect(callsOf('create-certificate', 'pca')).toEqual(
      expect.arrayContaining(['acm-pca:IssueCertificate', 'acm-pca:GetCertificate', 'iot:RegisterCertificateWithoutCA']),
    );
  });

  it.each(HANDLERS.flatMap((handler) => (['iot', 'pca'] as const).map((issuer) => [handler, issuer] as const)))(
    'grants %s exactly its calls when the issuer is %s',
    (handler, issuer) => {
      expect(grantedActions(deployed[issuer], handler)).toEqual(callsOf(handler, issuer));
    },
  );
});

describe('the rotation scheduler role against its code', () => {
  let graph: SdkCallGraph;
  let scheduled: string[];
  let withFindings: string[];

  beforeAll(() => {
    graph = new SdkCallGraph([sourcePath('handlers/rotation-scheduler-lambda.ts')]);
    const entry = graph.declaration(sourcePath('handlers/rotation-scheduler-lambda.ts'), 'handler');
    const findingRun = graph.declaration(sourcePath('scheduler/runs.ts'), 'findingRun');
    scheduled = [...graph.actionsReachableFrom([entry], [findingRun])].sort();
    withFindings = [...new Set([...scheduled, ...graph.actionsReachableFrom([findingRun])])].sort();
  }, SYNTHESIS_TIMEOUT_MS);

  it('finds the calls of a run and, apart, those only a Device Defender finding makes', () => {
    expect(scheduled).toEqual(
      expect.arrayContaining([
        'iot:ListThingsInThingGroup',
        'iot:DescribeCertificate',
        'iot:ListJobExecutionsForThing',
        'iot:CreateJob',
        'sns:Publish',
      ]),
    );
    expect(scheduled).not.toContain('iot:ListPrincipalThingsV2');
    expect(withFindings).toEqual(
      expect.arrayContaining(['iot:ListPrincipalThingsV2', 'iot:ListThingGroupsForThing', 'iot:DescribeThingGroup']),
    );
  });

  it.each([
    ['on a schedule only', false],
    ['with Device Defender findings', true],
  ] as const)('grants exactly its calls %s', (_label, deviceDefender) => {
    const deployed = synthBackend({ schedule: { ...SCHEDULE, deviceDefender } });
    expect(grantedActions(deployed, 'rotation-scheduler')).toEqual(deviceDefender ? withFindings : scheduled);
  });

  it('lists only the watched thing groups and creates only its own jobs', () => {
    const deployed = synthBackend({ schedule: SCHEDULE });
    const roleId = deployed.stack.getLogicalId(roleOf(deployed.backend, 'rotation-scheduler').node.defaultChild as CfnRole);
    const statements = roleStatements(deployed.template, roleId);
    expect(statements.find((st) => st.actions.includes('iot:ListThingsInThingGroup'))?.resources).toEqual([
      `${IOT}:thinggroup/Fleet`,
      `${IOT}:thinggroup/OtherFleet`,
    ]);
    expect(statements.find((st) => st.actions.includes('iot:CreateJob'))?.resources).toEqual(
      expect.arrayContaining([`${IOT}:job/AWSLabsCertificateRotator-*`, `${IOT}:thing/*`]),
    );
  });
});
