import type { z } from 'zod';
import type { Logger } from '../../../shared/logging/logger.js';
import { AwsError } from '../model/errors.js';
import type { DeviceJobs } from '../model/jobs/device-jobs.js';
import { JobsError, type JobsMqttErrorCode } from '../model/jobs/types.js';
import { executionSummaryView, mqttExecutionView, documentObject } from '../model/jobs/views.js';
import { describeRequest, getPendingRequest, parseJobsTopic, startNextRequest, updateRequest, type JobsTopic } from './requests.js';

export interface JobsMqttDeps {
  deviceJobs: DeviceJobs;
  /** Publishes a reply as AWS IoT. */
  publish: (topic: string, payload: object) => void;
  now: () => number;
  logger: Logger;
}

class Rejection extends Error {
  constructor(
    readonly code: JobsMqttErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function parseBody<T>(schema: z.ZodType<T>, payload: Buffer): T {
  let json: unknown;
  try {
    json = payload.length === 0 ? {} : JSON.parse(payload.toString('utf8'));
  } catch {
    throw new Rejection('InvalidJson', 'Payload is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Rejection('InvalidRequest', `Invalid ${issue?.path.join('.') || 'request'}: ${issue?.message ?? ''}`);
  }
  return result.data;
}

/**
 * The AWS IoT Jobs MQTT API: requests on `$aws/things/<thing>/jobs/...`, replies on the request
 * topic + `/accepted` or `/rejected`, with AWS IoT's payloads (times in epoch seconds, the
 * request's clientToken echoed). The broker has already checked that the publisher owns the thing.
 */
export class JobsMqttApi {
  constructor(private readonly deps: JobsMqttDeps) {}

  /** Handles a device publish; returns false when the topic is not a jobs API request. */
  handle(topic: string, payload: Buffer): boolean {
    const request = parseJobsTopic(topic);
    if (!request) return false;
    let clientToken: string | undefined;
    try {
      clientToken = this.peekClientToken(payload);
      const reply = this.answer(request, payload);
      this.deps.publish(`${topic}/accepted`, { ...reply, timestamp: this.seconds(), ...(clientToken ? { clientToken } : {}) });
    } catch (error) {
      const code = this.codeOf(error);
      if (code === 'InternalError') this.deps.logger.error('Jobs request failed', { topic, error: String(error) });
      this.deps.publish(`${topic}/rejected`, {
        code,
        message: (error as Error).message,
        timestamp: this.seconds(),
        ...(clientToken ? { clientToken } : {}),
      });
    }
    return true;
  }

  private answer(request: JobsTopic, payload: Buffer): Record<string, unknown> {
    const { deviceJobs } = this.deps;
    const now = this.deps.now();
    switch (request.operation) {
      case 'getPending': {
        parseBody(getPendingRequest, payload);
        const pending = deviceJobs.getPendingJobExecutions(request.thingName);
        return {
          inProgressJobs: pending.inProgressJobs.map(executionSummaryView),
          queuedJobs: pending.queuedJobs.map(executionSummaryView),
        };
      }
      case 'startNext': {
        const body = parseBody(startNextRequest, payload);
        const found = deviceJobs.startNextPendingJobExecution(request.thingName, {
          ...(body.statusDetails ? { statusDetails: body.statusDetails } : {}),
          ...(body.stepTimeoutInMinutes ? { stepTimeoutInMinutes: body.stepTimeoutInMinutes } : {}),
        });
        return found ? { execution: mqttExecutionView(found.execution, found.job, now) } : {};
      }
      case 'describe': {
        const body = parseBody(describeRequest, payload);
        const found = deviceJobs.describeJobExecution(request.thingName, request.jobId, body.executionNumber, request.namespaceId);
        if (!found) return {};
        const execution = mqttExecutionView(found.execution, found.job, now);
        if (body.includeJobDocument === false) delete execution.jobDocument;
        return { execution };
      }
      case 'update': {
        const { clientToken: _token, includeJobExecutionState, includeJobDocument, ...update } = parseBody(updateRequest, payload);
        const { execution, job } = deviceJobs.updateJobExecution(request.thingName, request.jobId, update);
        return {
          ...(includeJobExecutionState
            ? {
                executionState: {
                  status: execution.status,
                  statusDetails: execution.statusDetails,
                  versionNumber: execution.versionNumber,
                },
              }
            : {}),
          ...(includeJobDocument ? { jobDocument: documentObject(job.document) } : {}),
        };
      }
    }
  }

  private codeOf(error: unknown): JobsMqttErrorCode {
    if (error instanceof Rejection) return error.code;
    if (error instanceof JobsError) return error.mqttCode;
    if (error instanceof AwsError) {
      if (error.code === 'ResourceNotFoundException') return 'ResourceNotFound';
      if (error.code === 'InvalidRequestException') return 'InvalidRequest';
    }
    return 'InternalError';
  }

  private peekClientToken(payload: Buffer): string | undefined {
    try {
      const json = JSON.parse(payload.toString('utf8')) as { clientToken?: unknown };
      return typeof json.clientToken === 'string' ? json.clientToken : undefined;
    } catch {
      return undefined;
    }
  }

  private seconds(): number {
    return Math.floor(this.deps.now() / 1000);
  }
}
