import { z } from 'zod';
import { notFound } from '../../model/errors.js';
import type { DeviceJobs } from '../../model/jobs/device-jobs.js';
import { EXECUTION_STATUSES } from '../../model/jobs/types.js';
import { dataPlaneExecutionView, executionSummaryView } from '../../model/jobs/views.js';
import { jsonBody, queryObject, type RestRoute } from '../protocols/rest-json.js';
import { optional, parseInput, queryBool, queryInt } from '../validate.js';

const thingName = z.string().min(1).max(128);

const Describe = z.object({
  thingName,
  jobId: z.string().regex(/^([a-zA-Z0-9_-]{1,64}|\$next)$/, 'expected a job id or $next'),
  includeJobDocument: queryBool.optional(),
  executionNumber: queryInt.optional(),
});
const Update = z.object({
  thingName,
  jobId: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'expected a job id'),
  status: z.enum(EXECUTION_STATUSES),
  statusDetails: z.record(z.string(), z.string()).optional(),
  stepTimeoutInMinutes: z.number().int().optional(),
  expectedVersion: z.number().int().optional(),
  includeJobExecutionState: z.boolean().optional(),
  includeJobDocument: z.boolean().optional(),
  executionNumber: z.number().int().optional(),
});

const stringDetails = (details: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(details).map(([k, v]) => [k, String(v)]));

/** AWS IoT Jobs data plane, the HTTPS twin of the `$aws/things/<thing>/jobs/...` MQTT API. */
export function jobsDataPlaneRoutes(model: { deviceJobs: DeviceJobs; now(): number }): RestRoute[] {
  const { deviceJobs } = model;
  return [
    {
      operation: 'DescribeJobExecution',
      method: 'GET',
      path: '/things/{thingName}/jobs/{jobId}',
      handle: (req) => {
        const input = parseInput(Describe, { ...queryObject(req), ...req.labels });
        const found = deviceJobs.describeJobExecution(input.thingName, input.jobId, input.executionNumber);
        // Only `$next` can find nothing: no execution is pending for the thing.
        if (!found) throw notFound(`No pending job execution for thing ${input.thingName}`);
        return {
          json: { execution: dataPlaneExecutionView(found.execution, found.job, model.now(), input.includeJobDocument ?? false) },
        };
      },
    },
    {
      operation: 'GetPendingJobExecutions',
      method: 'GET',
      path: '/things/{thingName}/jobs',
      handle: (req) => {
        const input = parseInput(z.object({ thingName }), req.labels);
        const pending = deviceJobs.getPendingJobExecutions(input.thingName);
        return {
          json: {
            inProgressJobs: pending.inProgressJobs.map(executionSummaryView),
            queuedJobs: pending.queuedJobs.map(executionSummaryView),
          },
        };
      },
    },
    {
      operation: 'UpdateJobExecution',
      method: 'POST',
      path: '/things/{thingName}/jobs/{jobId}',
      handle: (req) => {
        const input = parseInput(Update, { ...(jsonBody(req) as object), ...req.labels });
        const { execution, job } = deviceJobs.updateJobExecution(input.thingName, input.jobId, {
          status: input.status,
          ...optional('statusDetails', input.statusDetails),
          ...optional('expectedVersion', input.expectedVersion),
          ...optional('executionNumber', input.executionNumber),
          ...optional('stepTimeoutInMinutes', input.stepTimeoutInMinutes),
        });
        const executionState = {
          status: execution.status,
          statusDetails: stringDetails(execution.statusDetails),
          versionNumber: execution.versionNumber,
        };
        return {
          json: {
            ...optional('executionState', input.includeJobExecutionState ? executionState : undefined),
            ...optional('jobDocument', input.includeJobDocument ? job.document : undefined),
          },
        };
      },
    },
  ];
}
