import { Logger } from '@aws-lambda-powertools/logger';
import { IoTClient, UpdateEventConfigurationsCommand } from '@aws-sdk/client-iot';
import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import { backendResourceNames, DEFAULT_NAME_PREFIX } from '../../../shared/contract/index.js';
import { controlPlaneConfig, type ClientConfig } from '../aws/clients.js';
import { clientConfigFromEnv } from '../config/env-settings.js';
import { describeIssues } from '../events/issues.js';
import { lazyHandler } from '../runtime/lazy.js';

/**
 * CloudFormation custom resource (CDK Provider framework) that turns on JOB_EXECUTION events,
 * which the terminal rule depends on and which are off by default in an account. Delete leaves
 * them on: other workloads in the account may rely on them too.
 */
export const JOB_EXECUTION_EVENTS_RESOURCE_ID = `${DEFAULT_NAME_PREFIX}JobExecutionEvents`;

const eventSchema = z.object({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  PhysicalResourceId: z.optional(z.string()),
});

export interface JobExecutionEventsSettings {
  clientConfig: ClientConfig;
  logger?: Logger;
}

export type CustomResourceHandler = (event: unknown) => Promise<{ PhysicalResourceId: string }>;

export function createJobExecutionEventsHandler(settings: JobExecutionEventsSettings): CustomResourceHandler {
  const iot = new IoTClient({ ...controlPlaneConfig(settings.clientConfig), maxAttempts: 5 });
  const logger = settings.logger ?? new Logger({ serviceName: backendResourceNames().jobExecutionEventsFunction });
  return async (event) => {
    const parsed = eventSchema.safeParse(event);
    // A failed custom resource fails the deployment, which is right for a malformed request.
    if (!parsed.success) throw new Error(`Invalid custom resource event: ${describeIssues(parsed.error)}`);
    const { RequestType, PhysicalResourceId = JOB_EXECUTION_EVENTS_RESOURCE_ID } = parsed.data;
    if (RequestType !== 'Delete') {
      await iot.send(new UpdateEventConfigurationsCommand({ eventConfigurations: { JOB_EXECUTION: { Enabled: true } } }));
      logger.info('JOB_EXECUTION events enabled', { requestType: RequestType });
    }
    return { PhysicalResourceId: RequestType === 'Create' ? JOB_EXECUTION_EVENTS_RESOURCE_ID : PhysicalResourceId };
  };
}

/** Lambda entry point (region from AWS_REGION). */
export const handler = lazyHandler(() => createJobExecutionEventsHandler({ clientConfig: clientConfigFromEnv(process.env) }));
