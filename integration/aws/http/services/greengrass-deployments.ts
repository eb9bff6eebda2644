import { z } from 'zod';
import type { Deployment } from '../../model/greengrass/deployments.js';
import type { GreengrassService } from '../../model/greengrass/greengrass.js';
import type { JobExecution } from '../../model/jobs/types.js';
import { parseIotArn, type AccountContext } from '../../model/arn.js';
import { jsonBody, queryObject, type RestRoute } from '../protocols/rest-json.js';
import { epochSeconds, optional, parseInput, queryInt } from '../validate.js';
import { page } from './paging.js';

const specification = z.object({
  componentVersion: z.string().min(1),
  configurationUpdate: z
    .object({
      merge: z
        .string()
        .max(10 * 1024 * 1024)
        .optional(),
      reset: z.array(z.string()).optional(),
    })
    .optional(),
  runWith: z.record(z.string(), z.unknown()).optional(),
});
const CreateDeployment = z.object({
  targetArn: z.string().min(1),
  deploymentName: z.string().min(1).max(256).optional(),
  components: z.record(z.string(), specification).optional(),
  iotJobConfiguration: z.record(z.string(), z.unknown()).optional(),
  deploymentPolicies: z
    .object({
      failureHandlingPolicy: z.enum(['ROLLBACK', 'DO_NOTHING']).optional(),
      componentUpdatePolicy: z
        .object({
          timeoutInSeconds: z.number().int().optional(),
          action: z.enum(['NOTIFY_COMPONENTS', 'SKIP_NOTIFY_COMPONENTS']).optional(),
        })
        .optional(),
      configurationValidationPolicy: z.object({ timeoutInSeconds: z.number().int().optional() }).optional(),
    })
    .optional(),
  parentTargetArn: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  clientToken: z.string().optional(),
});
const paging = { maxResults: queryInt.pipe(z.number().int().min(1).max(100)).optional(), nextToken: z.string().optional() };
const ListDeployments = z.object({
  targetArn: z.string().optional(),
  historyFilter: z.enum(['ALL', 'LATEST_ONLY']).optional(),
  parentTargetArn: z.string().optional(),
  ...paging,
});
const ById = z.object({ deploymentId: z.string().min(1) });
const Core = z.object({ coreDeviceThingName: z.string().min(1).max(128), ...paging });
const ListCoreDevices = z.object({
  thingGroupArn: z.string().optional(),
  status: z.enum(['HEALTHY', 'UNHEALTHY']).optional(),
  runtime: z.string().optional(),
  ...paging,
});

const summary = (d: Deployment) => ({
  targetArn: d.targetArn,
  revisionId: d.revisionId,
  deploymentId: d.deploymentId,
  ...optional('deploymentName', d.deploymentName),
  creationTimestamp: epochSeconds(d.creationTimestamp),
  deploymentStatus: d.status,
  isLatestForTarget: d.isLatestForTarget,
});

/** The nucleus reports its failures in these status details of the deployment's job execution. */
function listDetail(execution: JobExecution, key: string): string[] | undefined {
  const raw = execution.statusDetails[key];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

function effective(deployment: Deployment, execution: JobExecution) {
  const reason = execution.statusDetails['deployment-failure-cause'] ?? execution.statusDetails['detailed-deployment-status'];
  const errorStack = listDetail(execution, 'deployment-error-stack');
  const errorTypes = listDetail(execution, 'deployment-error-types');
  return {
    deploymentId: deployment.deploymentId,
    ...optional('deploymentName', deployment.deploymentName),
    iotJobId: deployment.iotJobId,
    iotJobArn: deployment.iotJobArn,
    targetArn: deployment.targetArn,
    coreDeviceExecutionStatus: execution.status === 'REMOVED' ? 'CANCELED' : execution.status,
    ...optional('reason', reason === undefined ? undefined : String(reason)),
    creationTimestamp: epochSeconds(deployment.creationTimestamp),
    modifiedTimestamp: epochSeconds(execution.lastUpdatedAt),
    ...(errorStack || errorTypes
      ? { statusDetails: { ...optional('errorStack', errorStack), ...optional('errorTypes', errorTypes) } }
      : {}),
  };
}

/** Greengrass V2 deployments and core devices (the control plane operators use). */
export function deploymentRoutes(greengrass: GreengrassService, ctx: AccountContext): RestRoute[] {
  const { deployments, coreDevices } = greengrass;
  return [
    {
      operation: 'CreateDeployment',
      method: 'POST',
      path: '/greengrass/v2/deployments',
      handle: async (req) => {
        const { clientToken: _token, parentTargetArn: _parent, ...input } = parseInput(CreateDeployment, jsonBody(req));
        return { status: 201, json: deployments.createDeployment(input) };
      },
    },
    {
      operation: 'GetDeployment',
      method: 'GET',
      path: '/greengrass/v2/deployments/{deploymentId}',
      handle: async (req) => {
        const d = deployments.getDeployment(parseInput(ById, req.labels).deploymentId);
        return {
          json: {
            ...summary(d),
            iotJobId: d.iotJobId,
            iotJobArn: d.iotJobArn,
            components: d.components,
            deploymentPolicies: d.deploymentPolicies,
            iotJobConfiguration: d.iotJobConfiguration,
            tags: d.tags,
          },
        };
      },
    },
    {
      operation: 'ListDeployments',
      method: 'GET',
      path: '/greengrass/v2/deployments',
      handle: async (req) => {
        const input = parseInput(ListDeployments, queryObject(req));
        const all =
          input.parentTargetArn === undefined
            ? deployments.listDeployments({ ...optional('targetArn', input.targetArn), latestOnly: input.historyFilter === 'LATEST_ONLY' })
            : [];
        const result = page(all, input.nextToken, input.maxResults, 50);
        return { json: { deployments: result.items.map(summary), ...optional('nextToken', result.next) } };
      },
    },
    {
      operation: 'CancelDeployment',
      method: 'POST',
      path: '/greengrass/v2/deployments/{deploymentId}/cancel',
      handle: async (req) => {
        deployments.cancelDeployment(parseInput(ById, req.labels).deploymentId);
        return { json: { message: 'SUCCESS' } };
      },
    },
    {
      operation: 'ListEffectiveDeployments',
      method: 'GET',
      path: '/greengrass/v2/coreDevices/{coreDeviceThingName}/effectiveDeployments',
      handle: async (req) => {
        const input = parseInput(Core, { ...queryObject(req), ...req.labels });
        const result = page(deployments.effectiveDeployments(input.coreDeviceThingName), input.nextToken, input.maxResults, 50);
        return {
          json: {
            effectiveDeployments: result.items.map((e) => effective(e.deployment, e.execution)),
            ...optional('nextToken', result.next),
          },
        };
      },
    },
    {
      operation: 'GetCoreDevice',
      method: 'GET',
      path: '/greengrass/v2/coreDevices/{coreDeviceThingName}',
      handle: async (req) => {
        const d = coreDevices.getCoreDevice(parseInput(Core, req.labels).coreDeviceThingName);
        const { components: _components, lastStatusUpdateTimestamp, ...rest } = d;
        return { json: { ...rest, lastStatusUpdateTimestamp: epochSeconds(lastStatusUpdateTimestamp), tags: {} } };
      },
    },
    {
      operation: 'ListCoreDevices',
      method: 'GET',
      path: '/greengrass/v2/coreDevices',
      handle: async (req) => {
        const input = parseInput(ListCoreDevices, queryObject(req));
        const group =
          input.thingGroupArn === undefined ? undefined : (parseIotArn(ctx, input.thingGroupArn, 'thinggroup') ?? input.thingGroupArn);
        const all = coreDevices.listCoreDevices({
          ...optional('thingGroupName', group),
          ...optional('status', input.status),
          ...optional('runtime', input.runtime),
        });
        const result = page(all, input.nextToken, input.maxResults, 50);
        const items = result.items.map((d) => ({
          coreDeviceThingName: d.coreDeviceThingName,
          status: d.status,
          lastStatusUpdateTimestamp: epochSeconds(d.lastStatusUpdateTimestamp),
          platform: d.platform,
          architecture: d.architecture,
          runtime: d.runtime,
        }));
        return { json: { coreDevices: items, ...optional('nextToken', result.next) } };
      },
    },
    {
      operation: 'ListInstalledComponents',
      method: 'GET',
      path: '/greengrass/v2/coreDevices/{coreDeviceThingName}/installedComponents',
      handle: async (req) => {
        const input = parseInput(Core, { ...queryObject(req), ...req.labels });
        const device = coreDevices.getCoreDevice(input.coreDeviceThingName);
        const result = page(device.components, input.nextToken, input.maxResults, 50);
        const installedComponents = result.items.map((c) => ({
          componentName: c.componentName,
          componentVersion: c.version,
          lifecycleState: c.status,
          isRoot: c.isRoot ?? false,
          lastReportedTimestamp: epochSeconds(device.lastStatusUpdateTimestamp),
        }));
        return { json: { installedComponents, ...optional('nextToken', result.next) } };
      },
    },
  ];
}
