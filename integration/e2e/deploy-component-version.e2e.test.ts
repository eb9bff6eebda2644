/**
 * `npm run deploy-component-version` against the local stand-in with --endpoint: the real SDK
 * clients the command makes, the stand-in's Greengrass control plane, and nucleus stand-ins that
 * take the deployment over MQTT, download the published artifact and run it.
 */
import { CreateDeploymentCommand, GetDeploymentCommand, ListEffectiveDeploymentsCommand } from '@aws-sdk/client-greengrassv2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROBE, startCloudCores, type CloudCores } from '../test/support/nucleus/cloud-cores.js';
import { deployMain } from '../../tools/lib/deploy-component-version.js';

const GROUP = 'ToolFleet';
const NUCLEUS = { 'aws.greengrass.Nucleus': { componentVersion: '2.14.0' } };

async function run(fx: CloudCores, version: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) > 0 } };
  const argv = [
    version,
    GROUP,
    '--component',
    PROBE,
    '--endpoint',
    fx.aws.http!.endpoint,
    '--ca-bundle',
    fx.aws.http!.caFile,
    '--region',
    fx.aws.model.region,
    '--poll-interval',
    '0.2',
    '--timeout',
    '60',
  ];
  const code = await deployMain(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('deploy-component-version through the stand-in', () => {
  let fx: CloudCores;

  beforeAll(async () => {
    // The command takes credentials from the standard chain; the stand-in checks no signatures.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'stand-in');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'stand-in');
    fx = await startCloudCores(GROUP, ['tool-1', 'tool-2']);
    await fx.publish('1.0.0', { Run: 'sleep 600' });
    await fx.publish('1.0.1', { Run: 'sleep 600' });
    await fx.publish('1.0.2', { Install: 'exit 4', Run: 'sleep 600' });
  });
  afterAll(async () => {
    await fx?.close();
    vi.unstubAllEnvs();
  });

  it("refuses a group without a deployment, and then adds the component to the group's baseline deployment", async () => {
    const none = await run(fx, '1.0.0');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`No deployment targets thing group ${GROUP}`);

    // The operator's baseline; the command runs while GetDeployment cannot read it yet.
    fx.aws.model.greengrass.deployments.readAfterWriteDelayMs = 1500;
    const baseline = await fx.greengrass.send(
      new CreateDeploymentCommand({ targetArn: fx.groupArn, deploymentName: 'Tool fleet baseline', components: NUCLEUS }),
    );
    await expect(fx.greengrass.send(new GetDeploymentCommand({ deploymentId: baseline.deploymentId }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const added = await run(fx, '1.0.0');
    expect(added.stderr).toContain(`Latest deployment: "Tool fleet baseline" (${baseline.deploymentId})`);
    expect(added.stderr).toContain(`Adding ${PROBE} 1.0.0`);
    expect(added.stdout).toMatch(
      new RegExp(`^Deployment \\S+ of ${PROBE.replaceAll('.', '\\.')} 1\\.0\\.0 succeeded on 2 core device\\(s\\)`),
    );
    expect(added.code).toBe(0);
    for (const nucleus of fx.nuclei) expect([nucleus.component?.version, nucleus.componentState]).toEqual(['1.0.0', 'RUNNING']);
  });

  it('updates the version in a new revision that keeps the rest of the deployment', async () => {
    fx.aws.model.greengrass.deployments.readAfterWriteDelayMs = 300;
    await expect
      .poll(
        async () =>
          (await fx.greengrass.send(new ListEffectiveDeploymentsCommand({ coreDeviceThingName: 'tool-1' }))).effectiveDeployments
            ?.length === 2,
        { message: 'two effective deployments' },
      )
      .toBe(true);
    const updated = await run(fx, '1.0.1');
    expect(updated.stderr).toContain(`Updating ${PROBE} from 1.0.0 to 1.0.1`);
    expect(updated.code).toBe(0);
    const latest = fx.aws.model.greengrass.deployments.listDeployments({ targetArn: fx.groupArn, latestOnly: true })[0]!;
    expect(latest).toMatchObject({
      deploymentName: 'Tool fleet baseline',
      revisionId: '3',
      components: { ...NUCLEUS, [PROBE]: { componentVersion: '1.0.1' } },
    });
    for (const nucleus of fx.nuclei) expect(nucleus.component?.version).toBe('1.0.1');
  });

  it("exits 1 naming each core and the nucleus's failure cause when the new version breaks", async () => {
    const broken = await run(fx, '1.0.2');
    expect(broken.code).toBe(1);
    for (const thing of ['tool-1', 'tool-2']) expect(broken.stderr).toContain(`${thing} FAILED: `);
    expect(broken.stderr).toContain(`deployment-failure-cause: Service ${PROBE} in broken state after deployment`);
    expect(broken.stderr).toMatch(/Deployment \S+ failed on 2 of 2 core device\(s\)/);
    expect(broken.stdout).toBe('');
  });
});
