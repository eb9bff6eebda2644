/**
 * The built aws.greengrass.labs.CertificateRotator, deployed from its build output and run by
 * the nucleus stand-in over Greengrass IPC against the AWS stand-in's broker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildComponent, type BuildResult } from '../../../component/build/gdk-build.js';
import { backendResourceNames, COMPONENT_NAME, JOB_DOCUMENT, subscriptionTopics } from '../../../shared/contract/index.js';
import { startAwsStandIn, type AwsStandIn } from '../../aws/index.js';
import { startNucleus, type Nucleus } from './nucleus.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const COMPONENT = COMPONENT_NAME;

const nineTopics = (thing: string): string[] => [...subscriptionTopics(thing)].sort();

describe('the built component under the nucleus stand-in', () => {
  let dir: string;
  let build: BuildResult;
  let aws: AwsStandIn;
  let jobTemplateArn: string;
  const nuclei: Nucleus[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nucleus-real-'));
    build = await buildComponent({ projectRoot: PROJECT_ROOT, outDir: path.join(dir, 'greengrass-build'), version: '1.0.0' });
    aws = await startAwsStandIn({ http: false, logger: new MemoryLogger() });
    jobTemplateArn = aws.model.jobTemplates.createJobTemplate({
      jobTemplateId: backendResourceNames().jobTemplate,
      document: JOB_DOCUMENT,
    }).jobTemplateArn;
  });

  afterAll(async () => {
    await aws?.close();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const nucleus of nuclei.splice(0)) await nucleus.stop();
  });

  async function device(thingName: string, nucleusConfiguration: Record<string, unknown> = {}): Promise<Nucleus> {
    const provisioned = await aws.model.registry.provisionDevice({ thingName, policyName: 'GreengrassCorePolicy' });
    const nucleus = await startNucleus({
      root: path.join(dir, thingName),
      thingName,
      broker: { host: aws.mqtt.host, port: aws.mqtt.port, caPem: aws.mqtt.caCertificatePem },
      deployment: { recipePath: build.recipePath, artifactPath: build.artifactPath, storeDir: path.join(dir, 'store') },
      credentials: { kind: 'files', certificatePem: provisioned.certificatePem, privateKeyPem: provisioned.privateKeyPem },
      nucleusConfiguration,
      logger: new MemoryLogger(),
    });
    nuclei.push(nucleus);
    return nucleus;
  }

  const startJob = (jobId: string, thingName: string): void => {
    aws.model.jobs.createJob({ jobId, jobTemplateArn, targets: [aws.model.registry.things.describeThing(thingName).thingArn] });
  };

  it('subscribes to its nine topics through the IPC server and the broker, and takes the job', async () => {
    const nucleus = await device('core-nucleus-1');
    await expect.poll(() => nucleus.componentSubscriptions().length === 9, { message: 'nine subscriptions', timeout: 45_000 }).toBe(true);
    expect(nucleus.componentSubscriptions().sort()).toEqual(nineTopics('core-nucleus-1'));
    expect(nucleus.connected).toBe(true);
    expect(aws.broker.connections().map((c) => c.clientId)).toContain('core-nucleus-1');
    // A job created while the component still asks for its next job can be missed (see report); wait for Idle.
    await expect
      .poll(async () => (await nucleus.componentLog()).includes('No rotation job to resume'), {
        message: 'the component to be idle',
        timeout: 45_000,
      })
      .toBe(true);
    startJob('job-accepted', 'core-nucleus-1');
    await expect
      .poll(() => aws.model.jobs.describeJobExecution('job-accepted', 'core-nucleus-1').status, {
        message: 'the component to take the job',
        timeout: 45_000,
      })
      .not.toBe('QUEUED');
  });

  it('validates configuration deployments: RSA-1024 is rejected and changes nothing, ECDSA-P256 is accepted', async () => {
    const nucleus = await device('core-nucleus-2');
    await expect
      .poll(() => nucleus.componentSubscriptions().length === 9, { message: 'the component to start', timeout: 45_000 })
      .toBe(true);
    const rejected = await nucleus.deployConfiguration({ merge: { keyAlgorithm: 'RSA-1024' } });
    expect(rejected.status).toBe('FAILED');
    expect(rejected.message).toContain(`{ name = ${COMPONENT}, message = Invalid key algorithm`);
    expect(nucleus.componentConfiguration()).toMatchObject({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' });

    const accepted = await nucleus.deployConfiguration({ merge: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } });
    expect(accepted).toMatchObject({ status: 'SUCCEEDED' });
    expect(nucleus.componentConfiguration()).toMatchObject({ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
    // The component logs each report once it is sent, and its output reaches the log through the
    // nucleus's copier, so the lines may land after the deployment's status.
    const logged = { message: 'the component to log its validity reports', timeout: 30_000 };
    await expect.poll(() => nucleus.componentLog(), logged).toContain('"status":"REJECTED"');
    await expect.poll(() => nucleus.componentLog(), logged).toContain('"status":"ACCEPTED"');
  });

  it('without interpolateComponentConfiguration its subscriptions are refused, its log says why, and the job stays QUEUED', async () => {
    const nucleus = await device('core-nucleus-3', { interpolateComponentConfiguration: false });
    const refusals = async (): Promise<number> =>
      (await nucleus.componentLog())
        .split('\n')
        .filter(
          (line) =>
            line.includes('SubscribeToIoTCore $aws/things/core-nucleus-3/jobs/notify-next failed') && line.includes('Not Authorized'),
        ).length;
    await expect.poll(async () => (await refusals()) >= 1, { message: 'the refused subscription in the log', timeout: 45_000 }).toBe(true);
    startJob('job-refused', 'core-nucleus-3');
    const seen = await refusals();
    // The component keeps retrying; one more refusal shows the job has had its chance.
    await expect.poll(async () => (await refusals()) > seen, { message: 'another refused attempt', timeout: 45_000 }).toBe(true);
    expect(aws.model.jobs.describeJobExecution('job-refused', 'core-nucleus-3').status).toBe('QUEUED');
    expect(nucleus.componentSubscriptions()).toEqual([]);
    expect(nucleus.componentConfiguration()).toMatchObject({
      accessControl: {
        'aws.greengrass.ipc.mqttproxy': {
          [`${COMPONENT}:mqttproxy:2`]: { resources: expect.arrayContaining(['$aws/things/{iot:thingName}/jobs/notify-next']) },
        },
      },
    });
  });
});
