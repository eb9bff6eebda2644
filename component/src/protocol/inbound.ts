import type * as z from 'zod/mini';
import {
  certificateRejectedSchema,
  commitAcceptedSchema,
  createAcceptedSchema,
  getAcceptedSchema,
  jobRejectedSchema,
  notifyNextSchema,
  parseReplyTopic,
  updateAcceptedSchema,
  type JobExecution,
  type ReplyKind,
} from '../../../shared/contract/index.js';

/** A validated inbound message. `type` names the reply; job ids from topics are `$next` for `$next/get` replies. */
export type InboundMessage =
  | { type: 'notifyNext'; execution?: JobExecution }
  | { type: 'getAccepted'; topicJobId: string; execution?: JobExecution }
  | { type: 'getRejected'; topicJobId: string; code?: string; message?: string }
  | { type: 'updateAccepted'; topicJobId: string; status?: string }
  | { type: 'updateRejected'; topicJobId: string; code?: string; message?: string }
  | { type: 'createAccepted'; certificatePem: string }
  | { type: 'createRejected'; errorMsg?: string }
  | { type: 'commitAccepted' }
  | { type: 'commitRejected'; errorMsg?: string };

export const INBOUND_MESSAGE_TYPES: readonly ReplyKind[] = [
  'notifyNext',
  'getAccepted',
  'getRejected',
  'updateAccepted',
  'updateRejected',
  'createAccepted',
  'createRejected',
  'commitAccepted',
  'commitRejected',
];

export type InboundParseResult =
  | { outcome: 'message'; message: InboundMessage }
  /** The topic is one of ours but the payload is not acceptable; `error` names the field. */
  | { outcome: 'invalid'; kind: ReplyKind; error: string }
  /** Not one of the nine reply topics of this thing. */
  | { outcome: 'unknownTopic' };

/** Classifies and validates a received message for `thingName`. Never throws. */
export function parseInbound(thingName: string, topic: string, payload: Buffer | string): InboundParseResult {
  const parsedTopic = parseReplyTopic(thingName, topic);
  if (parsedTopic === undefined) return { outcome: 'unknownTopic' };
  const kind = parsedTopic.kind;
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return { outcome: 'invalid', kind, error: 'payload: not valid JSON' };
  }
  const invalid = (error: z.core.$ZodError): InboundParseResult => ({ outcome: 'invalid', kind, error: describe(error) });
  const topicJobId = 'jobId' in parsedTopic ? parsedTopic.jobId : '';

  switch (kind) {
    case 'notifyNext': {
      const r = notifyNextSchema.safeParse(body);
      return r.success ? message({ type: kind, ...optionalExecution(r.data.execution) }) : invalid(r.error);
    }
    case 'getAccepted': {
      const r = getAcceptedSchema.safeParse(body);
      return r.success ? message({ type: kind, topicJobId, ...optionalExecution(r.data.execution) }) : invalid(r.error);
    }
    case 'getRejected':
    case 'updateRejected': {
      const r = jobRejectedSchema.safeParse(body);
      return r.success ? message({ type: kind, topicJobId, ...defined({ code: r.data.code, message: r.data.message }) }) : invalid(r.error);
    }
    case 'updateAccepted': {
      const r = updateAcceptedSchema.safeParse(body);
      return r.success ? message({ type: kind, topicJobId, ...defined({ status: r.data.executionState?.status }) }) : invalid(r.error);
    }
    case 'createAccepted': {
      const r = createAcceptedSchema.safeParse(body);
      return r.success ? message({ type: kind, certificatePem: r.data.certificatePem }) : invalid(r.error);
    }
    case 'createRejected':
    case 'commitRejected': {
      const r = certificateRejectedSchema.safeParse(body);
      return r.success ? message({ type: kind, ...defined({ errorMsg: r.data.errorMsg }) }) : invalid(r.error);
    }
    case 'commitAccepted': {
      const r = commitAcceptedSchema.safeParse(body);
      return r.success ? message({ type: kind }) : invalid(r.error);
    }
  }
}

function message(m: InboundMessage): InboundParseResult {
  return { outcome: 'message', message: m };
}

function optionalExecution(execution: JobExecution | undefined): { execution?: JobExecution } {
  return execution === undefined ? {} : { execution };
}

/** Drops undefined values, so that optional properties are absent rather than undefined. */
function defined<T extends Record<string, string | undefined>>(fields: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}

/** First issue as `path.to.field: message`; a payload that is not an object is named `payload`. */
function describe(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'payload: invalid';
  const path = issue.path.length === 0 ? 'payload' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}
