import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_DOCUMENT } from '../../shared/contract/index.js';
import type { FleetStatus } from '../../tools/lib/fleet-status.js';
import { fleetStatusClient, fleetStatusMain } from '../../tools/lib/fleet-status-command.js';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { standInClientConfig } from '../local/deploy-backend.js';

const DAY = 86_400_000;
const EC = { kind: 'EC', curve: 'P-256' } as const;

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { isTTY: false, write: (t: string) => err.push(t) > 0 } },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('fleet-status against the stand-in', () => {
  let standIn: AwsStandIn;
  let iot: IoTClient;
  const now = Date.now();
  const args = (...rest: string[]) => [...rest, '--endpoint', standIn.http?.endpoint ?? '', '--region', standIn.model.region];
  const run = async (...rest: string[]) => {
    const capture = captureIo();
    const code = await fleetStatusMain(args(...rest), capture.io, { iot });
    return { code, stdout: capture.stdout(), stderr: capture.stderr() };
  };

  beforeAll(async () => {
    standIn = await startAwsStandIn({ logger: stderrLogger('error') });
    // The tool's own client, whose retries carry it through AWS IoT's throttling.
    iot = fleetStatusClient(standInClientConfig(standIn));
    const registry = standIn.model.registry;
    await registry.provisionDevice({ thingName: 'core-rotated', thingGroupName: 'Fleet', keySpec: EC });
    await registry.provisionDevice({
      thingName: 'core-expiring',
      thingGroupName: 'Fleet',
      keySpec: EC,
      validity: { notBefore: now - 100 * DAY, notAfter: now + 10.5 * DAY },
    });
    const two = await registry.provisionDevice({ thingName: 'core-two', thingGroupName: 'Fleet', keySpec: EC });
    const second = await registry.createKeysAndCertificate(false, EC);
    registry.attachThingPrincipal(two.thingName, second.certificateArn);
    const inactive = await registry.provisionDevice({ thingName: 'core-inactive', thingGroupName: 'Fleet', keySpec: EC });
    registry.updateCertificate(inactive.certificateId, 'INACTIVE');
    // core-rotated: a rotation job that succeeded, then a later job that is no rotation.
    const template = standIn.model.jobTemplates.createJobTemplate({ jobTemplateId: 'AWSLabsCertificateRotator', document: JOB_DOCUMENT });
    const target = [registry.things.describeThing('core-rotated').thingArn];
    await iot.send(new CreateJobCommand({ jobId: 'rotation-1', jobTemplateArn: template.jobTemplateArn, targets: target }));
    standIn.model.deviceJobs.updateJobExecution('core-rotated', 'rotation-1', { status: 'IN_PROGRESS' });
    standIn.model.deviceJobs.updateJobExecution('core-rotated', 'rotation-1', { status: 'SUCCEEDED' });
    await iot.send(new CreateJobCommand({ jobId: 'other-work', document: '{"operation":"REBOOT"}', targets: target }));
    for (let i = 0; i < 60; i += 1) {
      await registry.provisionDevice({ thingName: `bulk-${String(i).padStart(2, '0')}`, thingGroupName: 'Bulk', keySpec: EC });
    }
  });

  afterAll(async () => {
    iot?.destroy();
    await standIn?.close();
  });

  it('gives one row per core with its certificate, issuer, dates and last rotation, and warns', async () => {
    const { code, stdout } = await run('--thing-group', 'Fleet', '--json');
    expect(code).toBe(0);
    const status = JSON.parse(stdout) as FleetStatus;
    const core = (name: string) => status.cores.find((c) => c.thingName === name);
    expect(status.cores.map((c) => c.thingName)).toEqual(['core-expiring', 'core-inactive', 'core-rotated', 'core-two']);
    expect(core('core-expiring')).toMatchObject({
      issuer: 'Stand-in Device CA',
      daysLeft: 10,
      ageDays: 0,
      lastRotation: null,
      warnings: [],
    });
    expect(core('core-expiring')?.notAfter?.slice(0, 10)).toBe(new Date(now + 10.5 * DAY).toISOString().slice(0, 10));
    expect(core('core-rotated')?.lastRotation).toEqual({ jobId: 'rotation-1', status: 'SUCCEEDED' });
    expect(core('core-rotated')?.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(core('core-two')?.warnings).toEqual([
      expect.stringMatching(/^2 certificates attached: [0-9a-f]{12}… ACTIVE, [0-9a-f]{12}… INACTIVE$/),
    ]);
    expect(core('core-inactive')?.warnings).toEqual([expect.stringMatching(/^certificate [0-9a-f]{12}… is INACTIVE$/)]);
    expect(status).toMatchObject({ thingGroup: 'Fleet', warnings: 2, unreadable: 0 });
  });

  it('prints a table with the warnings under their core', async () => {
    const { code, stdout, stderr } = await run('--thing-group', 'Fleet');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^THING\s+CERTIFICATE\s+ISSUER\s+NOT AFTER\s+AGE \(DAYS\)\s+DAYS LEFT\s+LAST ROTATION$/);
    expect(lines.find((l) => l.startsWith('core-rotated'))).toMatch(/Stand-in Device CA .* rotation-1 SUCCEEDED$/);
    expect(lines[lines.indexOf(lines.find((l) => l.startsWith('core-two')) ?? '') + 1]).toMatch(/^ {2}! 2 certificates attached/);
    expect(stdout).toContain('4 core device(s) in Fleet; 2 with warnings');
    expect(stderr).toBe('');
  });

  it('shows progress on stderr for a large group', async () => {
    const { code, stdout, stderr } = await run('--thing-group', 'Bulk', '--json', '--concurrency', '8');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as FleetStatus).cores).toHaveLength(60);
    expect(stderr).toMatch(/Reading Bulk: 60\/60 core devices/);
  });

  it('says clearly that a group does not exist', async () => {
    const { code, stdout, stderr } = await run('--thing-group', 'NoSuchGroup');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('fleet-status: Thing group NoSuchGroup not found\n');
  });
});
