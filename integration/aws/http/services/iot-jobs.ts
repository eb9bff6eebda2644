import { z } from 'zod';
import { notFound } from '../../model/errors.js';
import type { JobsService } from '../../model/jobs/jobs-service.js';
import { createJobSchema, createJobTemplateSchema } from '../../model/jobs/schemas.js';
import type { JobTemplateStore } from '../../model/jobs/templates.js';
import { EXECUTION_STATUSES, type Job, type JobExecution, type JobProcessDetails, type JobTemplate } from '../../model/jobs/types.js';
import { jsonBody, queryObject, type RestRoute } from '../protocols/rest-json.js';
import { epochSeconds, optional, parseInput, queryBool, queryInt } from '../validate.js';
import { page } from './paging.js';

const id = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, - or _');
const thingName = z.string().min(1).max(128);

// CreateJobTemplate and CreateJob bodies are checked with the model's own request schemas.
const Cancel = z.object({
  jobId: id,
  reasonCode: z.string().max(128).optional(),
  comment: z.string().max(2028).optional(),
  force: queryBool.optional(),
});
const ListExecutions = z.object({
  jobId: id,
  status: z.enum(EXECUTION_STATUSES).optional(),
  maxResults: queryInt.pipe(z.number().int().min(1).max(250)).optional(),
  nextToken: z.string().optional(),
});
const DescribeExecution = z.object({ jobId: id, thingName, executionNumber: queryInt.optional() });
const maxResults = queryInt.pipe(z.number().int().min(1).max(250)).optional();
const ListForThing = z.object({
  thingName,
  status: z.enum(EXECUTION_STATUSES).optional(),
  jobId: id.optional(),
  namespaceId: z.string().optional(),
  maxResults,
  nextToken: z.string().optional(),
});
const ListJobs = z.object({
  status: z.enum(['IN_PROGRESS', 'CANCELED', 'COMPLETED', 'DELETION_IN_PROGRESS']).optional(),
  targetSelection: z.enum(['CONTINUOUS', 'SNAPSHOT']).optional(),
  thingGroupName: z.string().min(1).max(128).optional(),
  thingGroupId: z.string().optional(),
  namespaceId: z.string().optional(),
  maxResults,
  nextToken: z.string().optional(),
});

const settings = (s: Pick<Job, 'jobExecutionsRolloutConfig' | 'timeoutConfig' | 'abortConfig' | 'jobExecutionsRetryConfig'>) => ({
  ...optional('jobExecutionsRolloutConfig', s.jobExecutionsRolloutConfig),
  ...optional('timeoutConfig', s.timeoutConfig),
  ...optional('abortConfig', s.abortConfig),
  ...optional('jobExecutionsRetryConfig', s.jobExecutionsRetryConfig),
});

const templateJson = (t: JobTemplate) => ({
  jobTemplateArn: t.jobTemplateArn,
  jobTemplateId: t.jobTemplateId,
  ...optional('description', t.description),
  document: t.document,
  createdAt: epochSeconds(t.createdAt),
  ...settings(t),
});

const jobJson = (j: Job, jobProcessDetails: JobProcessDetails) => ({
  jobArn: j.jobArn,
  jobId: j.jobId,
  targetSelection: j.targetSelection,
  status: j.status,
  forceCanceled: j.forceCanceled ?? false,
  ...optional('reasonCode', j.reasonCode),
  ...optional('comment', j.comment),
  targets: j.targets,
  ...optional('description', j.description),
  createdAt: epochSeconds(j.createdAt),
  lastUpdatedAt: epochSeconds(j.lastUpdatedAt),
  ...optional('completedAt', j.completedAt === undefined ? undefined : epochSeconds(j.completedAt)),
  jobProcessDetails,
  ...optional('jobTemplateArn', j.jobTemplateArn),
  ...settings(j),
  isConcurrent: false,
});

/** Control-plane view of an execution: status details wrapped in `detailsMap`, timestamps in seconds. */
const executionJson = (e: JobExecution, now: number) => ({
  jobId: e.jobId,
  status: e.status,
  forceCanceled: e.forceCanceled ?? false,
  statusDetails: { detailsMap: Object.fromEntries(Object.entries(e.statusDetails).map(([k, v]) => [k, String(v)])) },
  thingArn: e.thingArn,
  queuedAt: epochSeconds(e.queuedAt),
  ...optional('startedAt', e.startedAt === undefined ? undefined : epochSeconds(e.startedAt)),
  lastUpdatedAt: epochSeconds(e.lastUpdatedAt),
  executionNumber: e.executionNumber,
  versionNumber: e.versionNumber,
  ...optional(
    'approximateSecondsBeforeTimedOut',
    e.timesOutAt === undefined ? undefined : Math.max(0, Math.floor((e.timesOutAt - now) / 1000)),
  ),
});

/** JobExecutionSummary as ListJobExecutionsForThing and ListJobExecutionsForJob put it. */
const executionSummary = (e: JobExecution) => ({
  status: e.status,
  queuedAt: epochSeconds(e.queuedAt),
  ...optional('startedAt', e.startedAt === undefined ? undefined : epochSeconds(e.startedAt)),
  lastUpdatedAt: epochSeconds(e.lastUpdatedAt),
  executionNumber: e.executionNumber,
});

const jobSummary = (j: Job) => ({
  jobArn: j.jobArn,
  jobId: j.jobId,
  targetSelection: j.targetSelection,
  status: j.status,
  createdAt: epochSeconds(j.createdAt),
  lastUpdatedAt: epochSeconds(j.lastUpdatedAt),
  ...optional('completedAt', j.completedAt === undefined ? undefined : epochSeconds(j.completedAt)),
  isConcurrent: false,
});

/** AWS IoT Jobs control plane: job templates, jobs and their executions. */
export function jobRoutes(model: { jobs: JobsService; jobTemplates: JobTemplateStore; now(): number }): RestRoute[] {
  const { jobs, jobTemplates } = model;
  const route = (path: string, operation: string, method: RestRoute['method'], handle: RestRoute['handle']): RestRoute => ({
    operation,
    method,
    path,
    handle,
  });
  return [
    route('/job-templates/{jobTemplateId}', 'CreateJobTemplate', 'PUT', async (req) => {
      return { json: jobTemplates.createJobTemplate(parseInput(createJobTemplateSchema, { ...(jsonBody(req) as object), ...req.labels })) };
    }),
    route('/job-templates/{jobTemplateId}', 'DescribeJobTemplate', 'GET', async (req) => {
      const input = parseInput(z.object({ jobTemplateId: id }), req.labels);
      return { json: templateJson(jobTemplates.describeJobTemplate(input.jobTemplateId)) };
    }),
    route('/jobs/{jobId}', 'CreateJob', 'PUT', async (req) => {
      return { json: jobs.createJob(parseInput(createJobSchema, { ...(jsonBody(req) as object), ...req.labels })) };
    }),
    route('/jobs/{jobId}', 'DescribeJob', 'GET', async (req) => {
      const input = parseInput(z.object({ jobId: id }), req.labels);
      const { job, jobProcessDetails } = jobs.describeJob(input.jobId);
      return { json: { job: jobJson(job, jobProcessDetails) } };
    }),
    route('/jobs/{jobId}/cancel', 'CancelJob', 'PUT', async (req) => {
      const input = parseInput(Cancel, { ...(jsonBody(req) as object), ...queryObject(req), ...req.labels });
      jobs.cancelJob(input.jobId, {
        ...optional('reasonCode', input.reasonCode),
        ...optional('comment', input.comment),
        force: input.force ?? false,
      });
      const { job } = jobs.describeJob(input.jobId);
      return { json: { jobArn: job.jobArn, jobId: job.jobId, ...optional('description', job.description) } };
    }),
    route('/jobs/{jobId}/job-document', 'GetJobDocument', 'GET', async (req) => {
      const input = parseInput(z.object({ jobId: id }), req.labels);
      return { json: jobs.getJobDocument(input.jobId) };
    }),
    route('/jobs/{jobId}/things', 'ListJobExecutionsForJob', 'GET', async (req) => {
      const input = parseInput(ListExecutions, { ...queryObject(req), ...req.labels });
      const all = jobs.listJobExecutionsForJob(input.jobId).filter((e) => input.status === undefined || e.status === input.status);
      const result = page(all, input.nextToken, input.maxResults, 25);
      const executionSummaries = result.items.map((e) => ({ thingArn: e.thingArn, jobExecutionSummary: executionSummary(e) }));
      return { json: { executionSummaries, ...optional('nextToken', result.next) } };
    }),
    route('/jobs', 'ListJobs', 'GET', async (req) => {
      const input = parseInput(ListJobs, queryObject(req));
      const groupArnSuffix = input.thingGroupName === undefined ? undefined : `:thinggroup/${input.thingGroupName}`;
      const all = jobs
        .listJobs()
        .filter((j) => input.status === undefined || j.status === input.status)
        .filter((j) => input.targetSelection === undefined || j.targetSelection === input.targetSelection)
        .filter((j) => groupArnSuffix === undefined || j.targets.some((t) => t.endsWith(groupArnSuffix)));
      const result = page(all, input.nextToken, input.maxResults, 25);
      return { json: { jobs: result.items.map(jobSummary), ...optional('nextToken', result.next) } };
    }),
    route('/things/{thingName}/jobs', 'ListJobExecutionsForThing', 'GET', async (req) => {
      const input = parseInput(ListForThing, { ...queryObject(req), ...req.labels });
      const all = jobs
        .listJobExecutionsForThing(input.thingName)
        .filter((e) => input.status === undefined || e.status === input.status)
        .filter((e) => input.jobId === undefined || e.jobId === input.jobId);
      const result = page(all, input.nextToken, input.maxResults, 25);
      const executionSummaries = result.items.map((e) => ({ jobId: e.jobId, jobExecutionSummary: executionSummary(e) }));
      return { json: { executionSummaries, ...optional('nextToken', result.next) } };
    }),
    route('/things/{thingName}/jobs/{jobId}', 'DescribeJobExecution', 'GET', async (req) => {
      const input = parseInput(DescribeExecution, { ...queryObject(req), ...req.labels });
      const execution = jobs.describeJobExecution(input.jobId, input.thingName);
      if (input.executionNumber !== undefined && input.executionNumber !== execution.executionNumber) {
        throw notFound(`Job execution ${input.jobId} number ${input.executionNumber} for ${input.thingName} cannot be found.`);
      }
      return { json: { execution: executionJson(execution, model.now()) } };
    }),
  ];
}
