import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRY_FILES, type HandlerName } from '../../lib/handler-bundling.js';
import type { CertificateRotatorBackend } from '../../lib/certificate-rotator-backend.js';
import { SdkCallGraph, sourcePath } from './sdk-calls.js';
import { PCA_ARN, roleStatements, synthBackend, type Synthesized } from './support.js';

/**
 * A static cross-check of code against policy: each function's role must grant every AWS call its
 * handler's code can make, and nothing else. A call added to a handler without its permission (or
 * a permission left behind after its call was removed) fails here, long before AWS would deny it.
 */

const HANDLERS: readonly HandlerName[] = ['create-certificate', 'commit-certificate', 'job-execution-terminal', 'job-execution-events'];

const roleOf = (backend: CertificateRotatorBackend, handler: HandlerName) =>
  ({
    'create-certificate': backend.createCertificate.role,
    'commit-certificate': backend.commitCertificate.role,
    'job-execution-terminal': backend.jobExecutionTerminal.role,
    'job-execution-events': backend.jobExecutionEvents.handler.role,
  })[handler];

/** The actions a function's role grants, its own log writing aside. */
function grantedActions(s: Synthesized, handler: HandlerName): string[] {
  const roleId = s.stack.getLogicalId(roleOf(s.backend, handler).node.defaultChild as CfnRole);
  return [...new Set(roleStatements(s.template, roleId).flatMap((st) => st.actions))].filter((a) => !a.startsWith('logs:')).sort();
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
    const common = graph.actionsReachableFrom([graph.declaration(sourcePath(HANDLER_ENTRY_FILES[handler]), 'handler')], [issuers.iot, issuers.pca]);
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
  });

  it('follows calls through helpers, and only the helpers a handler uses', () => {
    // Removing a certificate it issued, when installing it fails, goes through certificate-retirement.
    expect(callsOf('create-certificate', 'iot')).toEqual(
      expect.arrayContaining(['iot:UpdateCertificate', 'iot:DetachThingPrincipal', 'iot:DetachPolicy', 'iot:DeleteCertificate', 'iot:DeleteThingShadow']),
    );
    // Settling an earlier rotation reads the shadow; rotated-certificate-removal.ts, which only the
    // terminal function uses, describes the certificate (create describes the current one for its CSR checks).
    expect(callsOf('create-certificate', 'iot')).toContain('iot:GetThingShadow');
    expect(callsOf('job-execution-terminal', 'iot')).toContain('iot:DescribeCertificate');
    // The terminal function's SNS publish is not reachable from create, although both use helpers of aws/.
    expect(callsOf('create-certificate', 'iot')).not.toContain('sns:Publish');
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
