import { ArnFormat, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** What the build projects' permissions are scoped to. */
export interface PolicyScope {
  stack: Stack;
  /** Name prefix of the backend's resources (functions, rules, job template). */
  backendPrefix: string;
  thingGroupName: string;
  /** Empty when the tests have no Private CA. */
  pcaCaId: string;
  componentName: string;
  /** GDK's publish bucket name; GDK appends `-<region>-<account>`. */
  publishBucket: string;
}

const allow = (actions: string[], resources: string[]): iam.PolicyStatement =>
  new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions, resources });

function arns(scope: PolicyScope) {
  const { stack } = scope;
  const arn = (service: string, resource: string, resourceName?: string, sep: ArnFormat = ArnFormat.SLASH_RESOURCE_NAME): string =>
    stack.formatArn({ service, resource, arnFormat: sep, ...(resourceName === undefined ? {} : { resourceName }) });
  return {
    thingGroup: arn('iot', 'thinggroup', scope.thingGroupName),
    anyThing: arn('iot', 'thing', '*'),
    anyJob: arn('iot', 'job', '*'),
    anyCert: arn('iot', 'cert', '*'),
    jobTemplate: arn('iot', 'jobtemplate', scope.backendPrefix),
    backendRules: arn('iot', 'rule', `${scope.backendPrefix}*`),
    backendFunctions: arn('lambda', 'function', `${scope.backendPrefix}*`, ArnFormat.COLON_RESOURCE_NAME),
    anyDeployment: arn('greengrass', 'deployments', '*', ArnFormat.COLON_RESOURCE_NAME),
    anyCoreDevice: arn('greengrass', 'coreDevices', '*', ArnFormat.COLON_RESOURCE_NAME),
    component: arn('greengrass', 'components', scope.componentName, ArnFormat.COLON_RESOURCE_NAME),
    componentVersions: arn('greengrass', 'components', `${scope.componentName}:versions:*`, ArnFormat.COLON_RESOURCE_NAME),
    publishBucket: `arn:${stack.partition}:s3:::${scope.publishBucket}-${stack.region}-${stack.account}`,
    privateCa: arn('acm-pca', 'certificate-authority', scope.pcaCaId),
    cdkRole: (kind: string) => `arn:${stack.partition}:iam::${stack.account}:role/cdk-*-${kind}-role-${stack.account}-${stack.region}`,
  };
}

/** `npx cdk deploy` of the backend: the CLI only assumes the bootstrap roles; CloudFormation does the rest. */
export function backendProjectStatements(scope: PolicyScope): iam.PolicyStatement[] {
  const a = arns(scope);
  return [allow(['sts:AssumeRole'], [a.cdkRole('deploy'), a.cdkRole('file-publishing'), a.cdkRole('lookup')])];
}

/**
 * A Greengrass deployment to the thing group, and watching its IoT job until it ends. Greengrass
 * calls AWS IoT with the caller's credentials (its continuous job for the group, the cores'
 * deployment shadows), so those calls are here too.
 */
function greengrassDeploymentStatements(scope: PolicyScope): iam.PolicyStatement[] {
  const a = arns(scope);
  return [
    // CreateDeployment and ListDeployments take no resource in IAM: "*" is the only choice.
    allow(['greengrass:CreateDeployment', 'greengrass:ListDeployments'], ['*']),
    allow(['greengrass:GetDeployment'], [a.anyDeployment]),
    allow(['iot:CreateJob', 'iot:UpdateJob', 'iot:CancelJob', 'iot:DescribeJob'], [a.anyJob, a.thingGroup]),
    allow(['iot:DescribeThingGroup'], [a.thingGroup]),
    allow(['iot:ListJobExecutionsForJob'], [a.anyJob]),
    allow(['iot:DescribeThing', 'iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'], [a.anyThing]),
  ];
}

/** GDK publish (component version, artifact bucket) and `npm run deploy-component-version`. */
export function componentProjectStatements(scope: PolicyScope): iam.PolicyStatement[] {
  const a = arns(scope);
  return [
    allow(['greengrass:CreateComponentVersion', 'greengrass:ListComponentVersions'], [a.component, a.componentVersions]),
    allow(['greengrass:DescribeComponent'], [a.componentVersions]),
    allow(['s3:CreateBucket', 's3:GetBucketLocation', 's3:ListBucket'], [a.publishBucket]),
    allow(['s3:PutObject', 's3:GetObject'], [`${a.publishBucket}/*`]),
    ...greengrassDeploymentStatements(scope),
  ];
}

/** The integration suite against the account: deployments, rotation jobs, faults it injects, checks. */
export function testProjectStatements(scope: PolicyScope): iam.PolicyStatement[] {
  const a = arns(scope);
  const statements = [
    ...greengrassDeploymentStatements(scope),
    allow(['greengrass:GetCoreDevice', 'greengrass:ListInstalledComponents'], [a.anyCoreDevice]),
    // ListCoreDevices and DescribeEndpoint take no resource in IAM.
    allow(['greengrass:ListCoreDevices', 'iot:DescribeEndpoint'], ['*']),
    allow(['iot:ListThingsInThingGroup'], [a.thingGroup]),
    allow(['iot:ListThingPrincipals', 'iot:ListThingPrincipalsV2'], [a.anyThing]),
    allow(['iot:DescribeJobTemplate'], [a.jobTemplate]),
    allow(['iot:CreateJob'], [a.jobTemplate, a.anyThing]),
    allow(['iot:DescribeJobExecution'], [a.anyThing, a.anyJob]),
    allow(['iot:DescribeCertificate', 'iot:UpdateCertificate'], [a.anyCert]),
    allow(['iot:GetTopicRule', 'iot:DisableTopicRule', 'iot:EnableTopicRule'], [a.backendRules]),
    allow(['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'], [a.backendFunctions]),
  ];
  if (scope.pcaCaId !== '') statements.push(allow(['acm-pca:DescribeCertificateAuthority'], [a.privateCa]));
  return statements;
}
