import { expect } from 'vitest';
import type { Logger } from '../../../shared/logging/logger.js';
import { PERMISSIVE_CORE_POLICY, startAwsStandIn, thingArn, type AwsStandIn } from '../../aws/index.js';
import { connectDevice, type DeviceConnection } from '../../test/support/aws/mqtt-device.js';
import { deployBackend, type BackendDeployment } from '../../local/deploy-backend.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Thing {
  thingName: string;
  certificateId: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** Everything a hostile case may look at to see whether it changed anything. */
export interface WorldState {
  certificates: Array<[string, string]>;
  attachments: Array<[string, string, string]>;
  policyTargets: Array<[string, string]>;
  executions: Array<[string, string, string, number]>;
  shadows: Array<[string, string]>;
}

/**
 * The stand-in with the real backend and a few things under the permissive policy (every action
 * on every resource: an attacker's best case), one rotation job IN_PROGRESS for the victim, and an
 * observer that sees every reply the backend sends on any thing's topics.
 */
export class HostileWorld {
  readonly connections: DeviceConnection[] = [];
  observer!: DeviceConnection;
  private sentinels = 0;

  private constructor(
    readonly standIn: AwsStandIn,
    readonly backend: BackendDeployment,
    readonly things: Record<'victim' | 'attacker' | 'twoCerts' | 'done', Thing>,
  ) {}

  static async start(issuer: 'iot' | 'pca'): Promise<HostileWorld> {
    const standIn = await startAwsStandIn({ logger: silent });
    const backend = await deployBackend(standIn, { issuer, logLevel: 'SILENT' });
    const provision = async (thingName: string): Promise<Thing> => {
      const d = await standIn.model.registry.provisionDevice({
        thingName,
        keySpec: { kind: 'EC', curve: 'P-256' },
        policyName: 'Permissive',
        policyDocument: PERMISSIVE_CORE_POLICY,
        thingGroupName: 'fleet',
      });
      return { thingName, certificateId: d.certificateId, certificatePem: d.certificatePem, privateKeyPem: d.privateKeyPem };
    };
    const things = {
      victim: await provision('victim'),
      attacker: await provision('attacker'),
      twoCerts: await provision('two-certs'),
      done: await provision('done'),
    };
    // A second certificate attached to one thing, as an interrupted rotation can leave it.
    const extra = await standIn.model.registry.createKeysAndCertificate(true, { kind: 'EC', curve: 'P-256' }, 'CN=two-certs');
    standIn.model.registry.attachThingPrincipal('two-certs', extra.certificateArn, 'EXCLUSIVE_THING');
    const world = new HostileWorld(standIn, backend, things);
    const jobs = standIn.model.jobs;
    const target = (t: Thing) => [thingArn(standIn.model, t.thingName)];
    jobs.createJob({
      jobId: 'rotation',
      jobTemplateArn: backend.jobTemplateArn,
      targets: ['victim', 'two-certs', 'done', 'attacker'].map((n) => thingArn(standIn.model, n)),
    });
    jobs.createJob({ jobId: 'not-rotation', document: '{"operation":"REBOOT"}', targets: target(things.victim) });
    jobs.createJob({ jobId: 'queued-rotation', jobTemplateArn: backend.jobTemplateArn, targets: target(things.victim) });
    for (const thing of ['victim', 'two-certs', 'done', 'attacker']) {
      standIn.model.deviceJobs.updateJobExecution(thing, 'rotation', {
        status: 'IN_PROGRESS',
        statusDetails: { CertificateRotator: true },
      });
    }
    standIn.model.deviceJobs.updateJobExecution('victim', 'not-rotation', { status: 'IN_PROGRESS' });
    standIn.model.deviceJobs.updateJobExecution('done', 'rotation', { status: 'SUCCEEDED' });
    world.observer = await world.connect(things.attacker, 'attacker#5', ['awslabs/things/+/certificate/+/+']);
    await standIn.rules.whenIdle();
    return world;
  }

  async connect(thing: Thing, clientId: string, subscribe?: string[]): Promise<DeviceConnection> {
    const connection = await connectDevice({
      ...this.standIn.mqtt,
      certificatePem: thing.certificatePem,
      privateKeyPem: thing.privateKeyPem,
      clientId,
      ...(subscribe ? { subscribe } : {}),
    });
    this.connections.push(connection);
    return connection;
  }

  state(): WorldState {
    const { registry } = this.standIn.model;
    const things = ['victim', 'attacker', 'two-certs', 'done'];
    return {
      certificates: registry.certificates
        .listCertificates()
        .map((c) => [c.certificateId, c.status] as [string, string])
        .sort(),
      attachments: things
        .flatMap((t) => registry.listThingPrincipalsV2(t).map((a) => [t, a.principal, a.thingPrincipalType] as [string, string, string]))
        .sort(),
      policyTargets: registry.policies
        .listPolicies()
        .flatMap((p) => registry.policies.listTargetsForPolicy(p.policyName).map((t) => [p.policyName, t] as [string, string]))
        .sort(),
      executions: things
        .flatMap((t) =>
          this.standIn.model.jobs
            .listJobExecutionsForThing(t)
            .map((e) => [t, e.jobId, e.status, e.versionNumber] as [string, string, string, number]),
        )
        .sort(),
      shadows: things.flatMap((t) => this.standIn.model.shadows.listNamedShadowsForThing(t).map((s) => [t, s] as [string, string])),
    };
  }

  /**
   * Waits until the message `sent` (a count of rule invocations before it) has been handled by the
   * backend and every reply it caused has reached the observer, so that "no reply" can be asserted.
   */
  async settle(invocationsBefore: number, reachesRules: boolean): Promise<void> {
    if (reachesRules)
      await expect.poll(() => this.standIn.rules.invocations().length, { timeout: 20_000 }).toBeGreaterThan(invocationsBefore);
    await this.standIn.rules.whenIdle();
    this.sentinels += 1;
    const topic = `awslabs/things/sentinel/certificate/settle/${this.sentinels}`;
    await this.standIn.broker.publish(topic, Buffer.from('{}'), 1);
    await this.observer.next(topic);
  }

  /** Replies the observer saw after index `from`, sentinels aside. */
  repliesSince(from: number): Array<{ topic: string; json: Record<string, unknown> }> {
    return this.observer.received.slice(from).filter((m) => !m.topic.startsWith('awslabs/things/sentinel/'));
  }

  async close(): Promise<void> {
    for (const c of this.connections) await c.client.endAsync(true).catch(() => undefined);
    await this.standIn.close();
  }
}
