import { DescribeCertificateCommand, DisableTopicRuleCommand, EnableTopicRuleCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { MISMATCHED_ALGORITHM_PAIRS, VALID_ALGORITHM_PAIRS } from '../../component/src/config/validate.js';
import { certificateFacts, certificateId } from './certificate-facts.js';
import { attachedCertificates, deactivateNewCertificates, runRotationJob, type JobResult } from './fleet-facts.js';
import type { RotationTarget } from './target.js';
import { backendResourceNames } from '../../shared/contract/index.js';

const RULES = backendResourceNames().rules;

export interface SuiteOptions {
  /** Valid key/signing pairs to rotate with AWS IoT Core as issuer (default: all 21). */
  iotPairs?: readonly AlgorithmConfig[];
  /** Private CA signing algorithms to rotate with (default: all the target supports). */
  pcaSigningAlgorithms?: readonly string[];
  /**
   * Whether the target has a Private CA (default true). An account without one (PCA_CA_ID unset)
   * does not run the Private CA suite, as the original's suite did not.
   */
  privateCa?: boolean;
  /**
   * Timeouts of the set-up and of each rotation test, when the run's defaults are too short for
   * this target (unset: the run's own, as for a real account, where they are in hours).
   */
  timeouts?: { setupMs: number; rotationMs: number };
}

const BASELINE: AlgorithmConfig = { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' };

const INVALID_CONFIGURATIONS: Array<{ configuration: Record<string, string>; expected: string }> = [
  { configuration: { keyAlgorithm: 'RSA-1024', signingAlgorithm: 'SHA256WITHRSA' }, expected: 'Invalid key algorithm' },
  { configuration: { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA1WITHRSA' }, expected: 'Invalid signing algorithm' },
  ...MISMATCHED_ALGORITHM_PAIRS.map((pair) => ({
    configuration: { ...pair },
    expected: 'Key algorithm and signing algorithm have mismatched types',
  })),
];

async function certificatesByThing(target: RotationTarget): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const thing of await target.things()) result[thing] = (await attachedCertificates(target, thing)).map((c) => c.certificateId).sort();
  return result;
}

async function certificateExists(target: RotationTarget, certificateId: string): Promise<boolean> {
  try {
    await target.iot.send(new DescribeCertificateCommand({ certificateId }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

/** How long the backend may take to clean up after a job execution ends. */
function settle(target: RotationTarget): { timeout: number; interval: number } {
  return { timeout: target.cleanupTimeoutMs, interval: target.pollIntervalMs };
}

function expectAll(job: JobResult, things: string[], status: string): void {
  expect(Object.keys(job.statuses).sort()).toEqual([...things].sort());
  for (const thing of things) {
    expect({ thing, status: job.statuses[thing], reason: job.reasons[thing] }).toEqual({
      thing,
      status,
      reason: status === 'FAILED' ? job.reasons[thing] : undefined,
    });
  }
}

/** After a failed job: each thing still has exactly its old certificate, installed and working. */
async function expectOldCertificatesKept(target: RotationTarget, before: Record<string, string[]>): Promise<void> {
  for (const [thing, ids] of Object.entries(before)) {
    // The terminal function removes the new certificate after the job execution has ended.
    await expect
      .poll(async () => (await attachedCertificates(target, thing)).map((c) => c.certificateId).sort(), settle(target))
      .toEqual(ids);
    const attached = await attachedCertificates(target, thing);
    expect(attached.every((c) => c.status === 'ACTIVE')).toBe(true);
    if (target.installedCertificatePem) expect(certificateId(await target.installedCertificatePem(thing))).toBe(attached[0]?.certificateId);
    if (target.coreConnects) expect(await target.coreConnects(thing)).toBe(true);
  }
}

/** After a successful job: exactly one new ACTIVE certificate per thing, installed; the old one deleted. */
async function expectRotated(
  target: RotationTarget,
  before: Record<string, string[]>,
): Promise<Array<ReturnType<typeof certificateFacts>>> {
  const facts = [];
  for (const [thing, oldIds] of Object.entries(before)) {
    // The terminal function detaches and deletes the old certificate after the execution has ended.
    await expect.poll(async () => (await attachedCertificates(target, thing)).length, settle(target)).toBe(1);
    for (const old of oldIds) await expect.poll(() => certificateExists(target, old), settle(target)).toBe(false);
    const [current] = await attachedCertificates(target, thing);
    expect(current?.status).toBe('ACTIVE');
    expect(oldIds).not.toContain(current?.certificateId);
    if (target.installedCertificatePem) expect(certificateId(await target.installedCertificatePem(thing))).toBe(current?.certificateId);
    if (target.coreConnects) expect(await target.coreConnects(thing)).toBe(true);
    facts.push(certificateFacts(current?.certificatePem ?? ''));
  }
  return facts;
}

async function expectDeployed(target: RotationTarget, configuration: AlgorithmConfig): Promise<void> {
  const outcomes = await target.deployConfiguration({ ...configuration });
  for (const o of outcomes) expect(o).toMatchObject({ status: 'SUCCEEDED' });
}

/** The original's four integration suites, against any target. */
export function defineRotationSuites(createTarget: () => Promise<RotationTarget>, options: SuiteOptions = {}): void {
  let target: RotationTarget;
  let things: string[];

  beforeAll(async () => {
    target = await createTarget();
    things = await target.things();
  }, options.timeouts?.setupMs);
  afterAll(async () => {
    await target?.close();
  });

  describe('invalid configuration is refused', () => {
    it.each(INVALID_CONFIGURATIONS)(
      '$configuration.keyAlgorithm / $configuration.signingAlgorithm',
      async ({ configuration, expected }) => {
        const outcomes = await target.deployConfiguration(configuration);
        expect(outcomes).toHaveLength(things.length);
        for (const o of outcomes) {
          expect(o.status).toBe('FAILED');
          expect(o.message.startsWith(expected)).toBe(true);
        }
      },
    );
  });

  describe('rotation with AWS IoT Core as issuer', () => {
    beforeAll(async () => target.useIssuer({ kind: 'iot' }));
    it.each((options.iotPairs ?? VALID_ALGORITHM_PAIRS).map((p) => ({ ...p })))(
      '$keyAlgorithm / $signingAlgorithm',
      async (pair) => {
        await expectDeployed(target, pair);
        const before = await certificatesByThing(target);
        const job = await runRotationJob(target, `iot-${pair.keyAlgorithm}-${pair.signingAlgorithm}`);
        expectAll(job, things, 'SUCCEEDED');
        for (const facts of await expectRotated(target, before)) {
          expect(facts.amazonIssued).toBe(true);
          expect(facts.signatureAlgorithm).toBe('SHA256WITHRSA');
          expect(facts.keyAlgorithm).toBe(pair.keyAlgorithm);
        }
      },
      options.timeouts?.rotationMs,
    );
  });

  describe.runIf(options.privateCa ?? true)('rotation with AWS Private CA as issuer', () => {
    let algorithms: string[] = [];
    beforeAll(async () => {
      algorithms = [...(options.pcaSigningAlgorithms ?? (await target.pcaSigningAlgorithms()))];
      await expectDeployed(target, BASELINE);
    });
    afterAll(async () => target.useIssuer({ kind: 'iot' }));
    it(
      'issues with every signing algorithm the CA supports',
      async () => {
        expect(algorithms.length).toBeGreaterThan(0);
        for (const signingAlgorithm of algorithms) {
          await target.useIssuer({ kind: 'pca', signingAlgorithm: signingAlgorithm as never });
          const before = await certificatesByThing(target);
          const job = await runRotationJob(target, `pca-${signingAlgorithm}`);
          expectAll(job, things, 'SUCCEEDED');
          for (const facts of await expectRotated(target, before)) {
            expect(facts.amazonIssued).toBe(false);
            expect(facts.signatureAlgorithm).toBe(signingAlgorithm);
            expect(facts.keyAlgorithm).toBe('RSA-2048');
          }
        }
        // One job per algorithm, each after a redeployment of the create function.
      },
      options.timeouts && 3 * options.timeouts.rotationMs,
    );
  });

  describe('rotation failures roll back', () => {
    beforeAll(async () => {
      await target.useIssuer({ kind: 'iot' });
      await expectDeployed(target, BASELINE);
    });

    it(
      'create disabled: every execution FAILED, old certificate in place',
      async () => {
        const before = await certificatesByThing(target);
        await target.iot.send(new DisableTopicRuleCommand({ ruleName: RULES.createCertificate }));
        try {
          const job = await runRotationJob(target, 'create-disabled');
          expectAll(job, things, 'FAILED');
          for (const thing of things) expect(job.reasons[thing]).toBe('Comms failure when creating new certificate.');
        } finally {
          await target.iot.send(new EnableTopicRuleCommand({ ruleName: RULES.createCertificate }));
        }
        await expectOldCertificatesKept(target, before);
      },
      options.timeouts?.rotationMs,
    );

    it(
      'new certificates deactivated: every core rolls back, the new certificates are deleted',
      async () => {
        const before = await certificatesByThing(target);
        const stop = deactivateNewCertificates(target, things);
        let job: JobResult;
        try {
          job = await runRotationJob(target, 'new-deactivated');
        } finally {
          await stop();
        }
        expectAll(job, things, 'FAILED');
        // After rolling back, the core asks again without a backup and is refused: it says what it knows.
        for (const thing of things)
          expect(job.reasons[thing]).toBe('Commit was rejected. No backup to roll back to: the core keeps the certificate it uses.');
        await expectOldCertificatesKept(target, before);
        if (target.notifications) {
          const messages = (await target.notifications()).map((n) => n.message);
          for (const thing of things) expect(messages.some((m) => m.includes(`for ${thing} FAILED`))).toBe(true);
        }
      },
      options.timeouts?.rotationMs,
    );

    it(
      'commit disabled: every core rolls back, old certificate kept',
      async () => {
        const before = await certificatesByThing(target);
        await target.iot.send(new DisableTopicRuleCommand({ ruleName: RULES.commitCertificate }));
        try {
          const job = await runRotationJob(target, 'commit-disabled');
          expectAll(job, things, 'FAILED');
          for (const thing of things) {
            expect(job.reasons[thing]).toBe('Comms failure when committing new certificate. Rollback and restart.');
          }
        } finally {
          await target.iot.send(new EnableTopicRuleCommand({ ruleName: RULES.commitCertificate }));
        }
        await expectOldCertificatesKept(target, before);
      },
      options.timeouts?.rotationMs,
    );
  });
}
