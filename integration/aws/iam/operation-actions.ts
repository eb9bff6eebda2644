import type { AccountContext } from '../model/arn.js';
import { iotArn } from '../model/arn.js';

/** What a request asks IAM for: one action, on each of these resources (all must be allowed). */
export interface ActionRequest {
  action: string;
  resources: string[];
}

/** The request's parameters as the protocol layer read them: path labels, query and body fields. */
export type RequestParams = Readonly<Record<string, unknown>>;

type ResourcesOf = (params: RequestParams, ctx: AccountContext) => string[];

const text = (params: RequestParams, name: string): string => {
  const value = params[name];
  return typeof value === 'string' ? value : '';
};
const iot =
  (type: string, name: string): ResourcesOf =>
  (params, ctx) => [iotArn(ctx, `${type}/${text(params, name)}`)];
const targetArn =
  (name: string): ResourcesOf =>
  (params) => [text(params, name)];
const anyResource: ResourcesOf = () => ['*'];

/**
 * The IAM service prefix each API's actions are named with. The IoT data plane's actions are
 * `iot:` actions; the Jobs data plane has its own prefix.
 */
const PREFIX: Readonly<Record<string, string>> = {
  iot: 'iot',
  'iot-data': 'iot',
  'iot-jobs-data': 'iotjobsdata',
  'acm-pca': 'acm-pca',
  sns: 'sns',
};

/**
 * Resource types per action, from the Service Authorization Reference ("Actions, resources, and
 * condition keys for AWS IoT", "... for AWS IoT Jobs data plane", "... for AWS Private CA",
 * "... for Amazon SNS"). Actions listed there without a resource type are authorised on `*`.
 */
const RESOURCES: Readonly<Record<string, ResourcesOf>> = {
  'iot:DescribeCertificate': iot('cert', 'certificateId'),
  'iot:UpdateCertificate': iot('cert', 'certificateId'),
  'iot:DeleteCertificate': iot('cert', 'certificateId'),
  'iot:CreatePolicy': iot('policy', 'policyName'),
  'iot:GetPolicy': iot('policy', 'policyName'),
  // The target (a certificate or thing group) is the resource of AttachPolicy and DetachPolicy.
  'iot:AttachPolicy': targetArn('target'),
  'iot:DetachPolicy': targetArn('target'),
  'iot:CreateThing': iot('thing', 'thingName'),
  'iot:DescribeThing': iot('thing', 'thingName'),
  'iot:DeleteThing': iot('thing', 'thingName'),
  'iot:CreateThingGroup': iot('thinggroup', 'thingGroupName'),
  'iot:DescribeThingGroup': iot('thinggroup', 'thingGroupName'),
  'iot:ListThingsInThingGroup': iot('thinggroup', 'thingGroupName'),
  'iot:AddThingToThingGroup': (params, ctx) => [
    iotArn(ctx, `thinggroup/${text(params, 'thingGroupName')}`),
    iotArn(ctx, `thing/${text(params, 'thingName')}`),
  ],
  'iot:CreateJobTemplate': iot('jobtemplate', 'jobTemplateId'),
  'iot:DescribeJobTemplate': iot('jobtemplate', 'jobTemplateId'),
  'iot:CreateJob': iot('job', 'jobId'),
  'iot:DescribeJob': iot('job', 'jobId'),
  'iot:CancelJob': iot('job', 'jobId'),
  'iot:GetJobDocument': iot('job', 'jobId'),
  'iot:ListJobExecutionsForJob': iot('job', 'jobId'),
  'iot:DescribeJobExecution': iot('thing', 'thingName'),
  'iot:CreateTopicRule': iot('rule', 'ruleName'),
  'iot:GetTopicRule': iot('rule', 'ruleName'),
  'iot:EnableTopicRule': iot('rule', 'ruleName'),
  'iot:DisableTopicRule': iot('rule', 'ruleName'),
  // Classic shadows are the thing's; a named shadow is `thing/<thing>/<shadow>`.
  'iot-data:GetThingShadow': shadowArn,
  'iot-data:UpdateThingShadow': shadowArn,
  'iot-data:DeleteThingShadow': shadowArn,
  'iot-data:Publish': iot('topic', 'topic'),
  'iot-jobs-data:DescribeJobExecution': iot('thing', 'thingName'),
  'iot-jobs-data:GetPendingJobExecutions': iot('thing', 'thingName'),
  'iot-jobs-data:UpdateJobExecution': iot('thing', 'thingName'),
  'acm-pca:IssueCertificate': targetArn('CertificateAuthorityArn'),
  'acm-pca:GetCertificate': targetArn('CertificateAuthorityArn'),
  'acm-pca:DescribeCertificateAuthority': targetArn('CertificateAuthorityArn'),
  'acm-pca:GetCertificateAuthorityCertificate': targetArn('CertificateAuthorityArn'),
  'sns:Publish': (params) => [text(params, 'TopicArn') || text(params, 'TargetArn')],
  'sns:CreateTopic': (params, ctx) => [`arn:aws:sns:${ctx.region}:${ctx.accountId}:${text(params, 'Name')}`],
};

function shadowArn(params: RequestParams, ctx: AccountContext): string[] {
  const shadow = text(params, 'name');
  return [iotArn(ctx, `thing/${text(params, 'thingName')}${shadow === '' ? '' : `/${shadow}`}`)];
}

/** The IAM action and resources of one call of `service`'s `operation`. */
export function actionRequest(service: string, operation: string, params: RequestParams, ctx: AccountContext): ActionRequest {
  const action = `${PREFIX[service] ?? service}:${operation}`;
  const resources = (RESOURCES[`${service}:${operation}`] ?? anyResource)(params, ctx);
  return { action, resources };
}
