import type { IoTClient } from '@aws-sdk/client-iot';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Invocation } from '../runtime/invocation.js';
import type { RateLimiter } from '../runtime/rate-limit.js';

/** The scheduler's way to AWS: its clients, and every call paced per operation and retried when throttled. */
export interface SchedulerAws {
  iot: IoTClient;
  sns: SNSClient;
  invocation: Invocation;
  call<T>(operation: string, send: () => Promise<T>): Promise<T>;
}

export function schedulerAws(parts: { iot: IoTClient; sns: SNSClient; invocation: Invocation; limiter: RateLimiter }): SchedulerAws {
  return {
    iot: parts.iot,
    sns: parts.sns,
    invocation: parts.invocation,
    call: async (operation, send) => {
      await parts.limiter.acquire(operation);
      return parts.invocation.call(operation, send);
    },
  };
}

/** Follows `nextToken` pages to the end. */
export async function allPages<P, T>(
  fetch: (nextToken: string | undefined) => Promise<P & { nextToken?: string | undefined }>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(...(items(page) ?? []));
    token = page.nextToken === '' ? undefined : page.nextToken;
  } while (token !== undefined);
  return out;
}
