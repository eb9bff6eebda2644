import { Logger } from '@aws-lambda-powertools/logger';
import { IoTClient } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retireCertificate } from '../../backend/src/aws/certificate-retirement.js';
import { createInvocation, realSleep } from '../../backend/src/runtime/invocation.js';
import { RetryBudgetExhaustedError } from '../../backend/src/runtime/retry.js';
import type { Logger as StandInLogger } from '../../shared/logging/logger.js';
import { type AwsStandIn, startAwsStandIn } from '../aws/index.js';

const silent: StandInLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("the backend's certificate retirement against detach propagation", () => {
  let standIn: AwsStandIn;
  let iot: IoTClient;
  /** DeleteConflictException answers seen by the client. */
  let conflicts = 0;

  beforeAll(async () => {
    // A propagation longer than the calls between the detach and the delete (ListPrincipalPolicies,
    // DetachPolicy) take even on a loaded machine, so the first DeleteCertificate conflicts.
    standIn = await startAwsStandIn({ logger: silent, detachPropagationDelayMs: () => 1_500 });
    iot = new IoTClient(standIn.http!.clientConfig());
    iot.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if ((error as Error).name === 'DeleteConflictException') conflicts += 1;
          throw error;
        }
      },
      { step: 'initialize', name: 'countConflicts' },
    );
  });
  afterAll(async () => {
    iot.destroy();
    await standIn.close();
  });

  const retire = async (thingName: string, budgetMs: number) => {
    const device = await standIn.model.registry.provisionDevice({ thingName, policyName: 'CorePolicy' });
    conflicts = 0;
    const deadline = Date.now() + budgetMs;
    const invocation = createInvocation({
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      budget: { remainingMs: () => deadline - Date.now() },
      sleep: realSleep,
      random: Math.random,
      ageMs: () => 0,
    });
    const outcome = retireCertificate(iot, { ...device, status: 'ACTIVE' }, { thingName, detachPolicies: true }, invocation);
    return { device, outcome };
  };

  it('deletes the certificate once the detach has propagated, after DeleteCertificate conflicted', async () => {
    const { device, outcome } = await retire('core-default', 10_000);
    await outcome;
    expect(conflicts).toBeGreaterThan(0);
    expect(() => standIn.model.registry.describeCertificate(device.certificateId)).toThrow(/cannot be found/);
  });

  it('keeps retrying through a long propagation (an injected fault) that ends within the budget', async () => {
    const restore = standIn.faults.slowDetachPropagation(2_500);
    try {
      const { device, outcome } = await retire('core-slow', 20_000);
      await outcome;
      expect(conflicts).toBeGreaterThanOrEqual(2);
      expect(() => standIn.model.registry.describeCertificate(device.certificateId)).toThrow(/cannot be found/);
    } finally {
      restore();
    }
  });

  it('gives up when the propagation outlasts the budget, naming DeleteCertificate, and leaves the certificate inactive', async () => {
    const restore = standIn.faults.slowDetachPropagation(10 * 60_000);
    try {
      const { device, outcome } = await retire('core-stuck', 2_000);
      const error = await outcome.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
      expect((error as Error).message).toMatch(/^DeleteCertificate still failed with DeleteConflictException after \d+ attempts/);
      expect(standIn.model.registry.describeCertificate(device.certificateId).status).toBe('INACTIVE');
    } finally {
      restore();
    }
  });
});
