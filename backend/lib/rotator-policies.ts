import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { replyTopic, type RequestKind } from '../../shared/contract/index.js';

/**
 * What each backend function may do: exactly the calls its code makes (backend/test/cdk checks the
 * roles against the SDK commands each handler's code can send). Actions whose IAM definition has
 * no resource type (DescribeEndpoint, CreateCertificateFromCsr, RegisterCertificateWithoutCA,
 * ListPrincipalPolicies, ListThingPrincipalsV2, Attach/DetachThingPrincipal,
 * UpdateEventConfigurations) must be granted on `*`; everything else is scoped to the narrowest
 * ARN pattern the action accepts.
 */
export interface PolicyScope {
  readonly scope: Construct;
  /** Name of the named shadow that holds rotation progress. */
  readonly shadowName: string;
}

function iotArn({ scope }: PolicyScope, resource: string, resourceName: string): string {
  return Stack.of(scope).formatArn({
    service: 'iot',
    resource,
    resourceName,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** Named shadows have the ARN `thing/<thing>/<shadow>`; only ours, on any thing. */
export function shadowArn(p: PolicyScope): string {
  return iotArn(p, 'thing', `*/${p.shadowName}`);
}

/** Any thing: job execution APIs are authorised on the thing. */
export function anyThingArn(p: PolicyScope): string {
  return iotArn(p, 'thing', '*');
}

/** Any certificate: the certificate ids are only known at run time. */
export function anyCertArn(p: PolicyScope): string {
  return iotArn(p, 'cert', '*');
}

/** Any job: rotation jobs are created from the template by operators, with ids of their choosing. */
export function anyJobArn(p: PolicyScope): string {
  return iotArn(p, 'job', '*');
}

const replyTopicsOf = (kind: RequestKind): readonly string[] => [replyTopic(kind, '*', 'accepted'), replyTopic(kind, '*', 'rejected')];

/** Reply topics (IAM resource names, `*` for the thing name) each function may publish on. */
export const REPLY_TOPICS = {
  createCertificate: replyTopicsOf('create'),
  commitCertificate: replyTopicsOf('commit'),
} as const;

export function replyTopicArns(p: PolicyScope, fn: keyof typeof REPLY_TOPICS): string[] {
  return REPLY_TOPICS[fn].map((topic) => iotArn(p, 'topic', topic));
}

const allow = (actions: string[], resources: string[]) => new iam.PolicyStatement({ actions, resources });

/**
 * Settles an earlier rotation left with both certificates (reads its record, retires the one the
 * core does not use), reads the current certificate (its subject and key bound the CSR), claims the
 * job execution in the shadow (a read, then a versioned write), issues a certificate, gives it the old one's policies, attaches it to the thing and records the
 * rotation in the shadow. When anything fails after issuing, it removes that certificate again
 * (deactivate, detach from thing and policies, delete) and the shadow it wrote. Only the issuer in
 * use is granted: AWS IoT Core's CreateCertificateFromCsr, or Private CA's IssueCertificate and
 * GetCertificate on that one CA followed by RegisterCertificateWithoutCA.
 * @param privateCaArn the CA that issues; undefined when AWS IoT Core issues
 */
export function createCertificateStatements(p: PolicyScope, privateCaArn: string | undefined): iam.PolicyStatement[] {
  const issue = privateCaArn === undefined ? ['iot:CreateCertificateFromCsr'] : ['iot:RegisterCertificateWithoutCA'];
  const statements = [
    allow(
      [
        'iot:DescribeEndpoint',
        ...issue,
        'iot:ListPrincipalPolicies',
        'iot:ListThingPrincipalsV2',
        'iot:AttachThingPrincipal',
        'iot:DetachThingPrincipal',
      ],
      ['*'],
    ),
    allow(
      ['iot:DescribeCertificate', 'iot:AttachPolicy', 'iot:UpdateCertificate', 'iot:DetachPolicy', 'iot:DeleteCertificate'],
      [anyCertArn(p)],
    ),
    allow(['iotjobsdata:DescribeJobExecution'], [anyThingArn(p)]),
    allow(['iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'], [shadowArn(p)]),
    allow(['iot:Publish'], replyTopicArns(p, 'createCertificate')),
  ];
  if (privateCaArn !== undefined) {
    statements.push(allow(['acm-pca:IssueCertificate', 'acm-pca:GetCertificate'], [privateCaArn]));
  }
  return statements;
}

/** Reads the rotation record, checks the thing and job, marks the rotation committed and replies. */
export function commitCertificateStatements(p: PolicyScope): iam.PolicyStatement[] {
  return [
    allow(['iot:DescribeEndpoint', 'iot:ListThingPrincipalsV2'], ['*']),
    allow(['iotjobsdata:DescribeJobExecution'], [anyThingArn(p)]),
    allow(['iot:GetThingShadow', 'iot:UpdateThingShadow'], [shadowArn(p)]),
    allow(['iot:Publish'], replyTopicArns(p, 'commitCertificate')),
  ];
}

/**
 * Reads and deletes the rotation record (or marks it unsettled), checks the job, removes the
 * certificate the rotation left behind (describe, deactivate, detach, delete) and notifies operators.
 */
export function jobExecutionTerminalStatements(p: PolicyScope, notificationTopicArn: string): iam.PolicyStatement[] {
  return [
    allow(['iot:DescribeEndpoint', 'iot:ListPrincipalPolicies', 'iot:ListThingPrincipalsV2', 'iot:DetachThingPrincipal'], ['*']),
    allow(['iot:DescribeCertificate', 'iot:UpdateCertificate', 'iot:DetachPolicy', 'iot:DeleteCertificate'], [anyCertArn(p)]),
    allow(['iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'], [shadowArn(p)]),
    allow(['iot:GetJobDocument', 'iot:DescribeJob'], [anyJobArn(p)]),
    allow(['sns:Publish'], [notificationTopicArn]),
  ];
}

/** Switches on AWS IoT job execution events. */
export function jobExecutionEventsStatements(): iam.PolicyStatement[] {
  return [allow(['iot:UpdateEventConfigurations'], ['*'])];
}
