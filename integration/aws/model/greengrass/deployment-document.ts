import { AwsError } from '../errors.js';

/** What CreateDeployment takes (the SDK's shapes; `merge` is a JSON text). */
export interface ComponentDeploymentSpecification {
  componentVersion: string;
  configurationUpdate?: { merge?: string; reset?: string[] };
  runWith?: Record<string, unknown>;
}

export interface DeploymentPolicies {
  failureHandlingPolicy?: 'ROLLBACK' | 'DO_NOTHING';
  componentUpdatePolicy?: { timeoutInSeconds?: number; action?: 'NOTIFY_COMPONENTS' | 'SKIP_NOTIFY_COMPONENTS' };
  configurationValidationPolicy?: { timeoutInSeconds?: number };
}

/** The service's defaults for policies a deployment leaves out. */
export function withDefaultPolicies(policies: DeploymentPolicies | undefined): Required<DeploymentPolicies> {
  return {
    failureHandlingPolicy: policies?.failureHandlingPolicy ?? 'ROLLBACK',
    componentUpdatePolicy: { timeoutInSeconds: 60, action: 'NOTIFY_COMPONENTS', ...policies?.componentUpdatePolicy },
    configurationValidationPolicy: { timeoutInSeconds: 30, ...policies?.configurationValidationPolicy },
  };
}

/** The job namespace of Greengrass deployments; the nucleus listens on `.../namespace-aws-gg-deployment/...`. */
export const DEPLOYMENT_JOB_NAMESPACE = 'aws-gg-deployment';

function parseMerge(componentName: string, merge: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(merge);
  } catch {
    throw new AwsError('ValidationException', `components.${componentName}.configurationUpdate.merge is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwsError('ValidationException', `components.${componentName}.configurationUpdate.merge must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * The deployment configuration the service sends to core devices as the IoT job document: the
 * nucleus's `Configuration` (timeouts in seconds, `merge` as a JSON object, not text).
 */
export function deploymentDocument(input: {
  deploymentId: string;
  configurationArn: string;
  components: Record<string, ComponentDeploymentSpecification>;
  policies: Required<DeploymentPolicies>;
  creationTimestamp: number;
}): Record<string, unknown> {
  const components = Object.fromEntries(
    Object.entries(input.components).map(([name, spec]) => {
      const update = spec.configurationUpdate;
      return [
        name,
        {
          version: spec.componentVersion,
          ...(update
            ? {
                configurationUpdate: {
                  ...(update.merge === undefined ? {} : { merge: parseMerge(name, update.merge) }),
                  ...(update.reset === undefined ? {} : { reset: update.reset }),
                },
              }
            : {}),
          ...(spec.runWith ? { runWith: spec.runWith } : {}),
        },
      ];
    }),
  );
  return {
    deploymentId: input.deploymentId,
    configurationArn: input.configurationArn,
    components,
    creationTimestamp: input.creationTimestamp,
    failureHandlingPolicy: input.policies.failureHandlingPolicy,
    componentUpdatePolicy: {
      timeout: input.policies.componentUpdatePolicy.timeoutInSeconds,
      action: input.policies.componentUpdatePolicy.action,
    },
    configurationValidationPolicy: { timeout: input.policies.configurationValidationPolicy.timeoutInSeconds },
  };
}
