import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { certificateIdOf, startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { deployBackend, type BackendDeployment } from '../local/deploy-backend.js';
import { provisionFleet, type ProvisionedCore } from '../local/fleet.js';
import { startInlineFleet, type RunningCore } from '../local/fleet-runner.js';
import { STAND_IN_SETUP_TIMEOUT_MS, STAND_IN_SUITE_TIMEOUTS } from './standin-target.js';
import { rotateMain } from '../../tools/lib/rotate.js';
import type { RotateOutcome } from '../../tools/lib/rotate.js';

/**
 * AWS IoT's minutes run twice as fast; the component keeps its real 30 s timers, so a cold start
 * of the backend's functions on a loaded machine does not fail a rotation, and 5 in-progress
 * minutes stay well above a rotation's steps.
 */
const MINUTE_SCALE = 2;
const GROUP = 'RotateCommandFleet';
const ALGORITHMS = { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' } as const;

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { isTTY: false, write: (t: string) => err.push(t) > 0 } },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    json: (): RotateOutcome => JSON.parse(out.join('').trim().split('\n').at(-1) ?? '') as RotateOutcome,
  };
}

describe('rotate against the local stand-in', () => {
  let standIn: AwsStandIn;
  let backend: BackendDeployment;
  let workDir: string;
  let cores: ProvisionedCore[];
  let fleet: RunningCore[] = [];
  const common = (): string[] => [
    ...['--endpoint', standIn.http?.endpoint ?? '', '--ca-bundle', standIn.http?.caFile ?? ''],
    ...['--region', standIn.model.region, '--poll-interval', '0.2', '--timeout', '300', '--json'],
  ];

  beforeAll(async () => {
    // The standard credential chain reads these: the account's administrator, to the stand-in.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'stand-in');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'stand-in');
    standIn = await startAwsStandIn({ minuteMs: 60_000 / MINUTE_SCALE, logger: stderrLogger('error') });
    backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
    workDir = await mkdtemp(path.join(tmpdir(), 'rotate-command-'));
    cores = await provisionFleet(standIn, { count: 2, workDir, thingGroupName: GROUP, algorithms: ALGORITHMS });
    fleet = await startInlineFleet(standIn, cores, { algorithms: ALGORITHMS, componentTimerScale: 1 });
  }, STAND_IN_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    for (const core of fleet) await core.stop().catch(() => undefined);
    await standIn?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it(
    'rotates every core of a thing group and reports each as SUCCEEDED',
    async () => {
      const run = captureIo();
      const code = await rotateMain(['--thing-group', GROUP, '--job-id', 'rotate-group', ...common()], run.io);

      expect(run.json()).toEqual({
        jobId: 'rotate-group',
        things: cores.map((c) => ({ thingName: c.thingName, status: 'SUCCEEDED' })),
        succeeded: 2,
        failed: 0,
        timedOut: false,
      });
      expect(code).toBe(0);
      expect(run.stderr()).toContain('Created job rotate-group from template AWSLabsCertificateRotator for thing group RotateCommandFleet');
      expect(run.stderr()).toMatch(/2\/2 done \| SUCCEEDED 2/);
      await standIn.rules.whenIdle();
      for (const running of fleet) {
        const installed = certificateIdOf(await running.probe.certificatePem());
        expect(installed).not.toBe(running.core.initialCertificateId);
        expect(
          standIn.model.registry.listThingPrincipals(running.core.thingName).map((arn) => arn.slice(arn.lastIndexOf('/') + 1)),
        ).toEqual([installed]);
      }
    },
    STAND_IN_SUITE_TIMEOUTS.rotationMs,
  );

  it(
    'reports a failed rotation with the device failure reason and exits with 1',
    async () => {
      const [first] = cores;
      const before = certificateIdOf(await fleet[0]!.probe.certificatePem());
      standIn.faults.disableRule(backend.ruleNames.commitCertificate);
      try {
        const run = captureIo();
        const code = await rotateMain(['--things', first!.thingName, '--job-id', 'rotate-commit-disabled', ...common()], run.io);
        expect(run.json()).toEqual({
          jobId: 'rotate-commit-disabled',
          things: [
            {
              thingName: first!.thingName,
              status: 'FAILED',
              reason: 'Comms failure when committing new certificate. Rollback and restart.',
            },
          ],
          succeeded: 0,
          failed: 1,
          timedOut: false,
        });
        expect(code).toBe(1);
      } finally {
        standIn.faults.enableRule(backend.ruleNames.commitCertificate);
      }
      await standIn.rules.whenIdle();
      expect(certificateIdOf(await fleet[0]!.probe.certificatePem())).toBe(before);
    },
    STAND_IN_SUITE_TIMEOUTS.rotationMs,
  );

  it('creates the job and returns at once with --no-wait', async () => {
    const run = captureIo();
    const code = await rotateMain(['--things', cores[1]!.thingName, '--job-id', 'rotate-no-wait', '--no-wait', ...common()], run.io);
    expect(code).toBe(0);
    expect(JSON.parse(run.stdout())).toEqual({ jobId: 'rotate-no-wait', jobArn: expect.stringMatching(/:job\/rotate-no-wait$/) });
  });

  it('fails clearly when the job template does not exist', async () => {
    const run = captureIo();
    const code = await rotateMain(['--things', cores[1]!.thingName, '--template-id', 'NoSuchTemplate', ...common()], run.io);
    expect(code).toBe(1);
    expect(run.stderr()).toContain('Job template NoSuchTemplate not found: deploy the backend first, or pass --template-id');
  });
});
