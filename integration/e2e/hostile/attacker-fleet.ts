import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import mqtt, { type MqttClient } from 'mqtt';
import { watchJob } from '../../../shared/operator/job-watch.js';
import { certificateIdOf, PERMISSIVE_CORE_POLICY, startAwsStandIn, stderrLogger, type AwsStandIn } from '../../aws/index.js';
import { deployBackend, standInClientConfig, type BackendDeployment } from '../../local/deploy-backend.js';
import { provisionFleet, type CorePolicyChoice } from '../../local/fleet.js';
import type { RunningCore } from '../../local/fleet-runner.js';
import { startFleet } from '../../local/start-fleet.js';

const GROUP = 'HostileFleet';
// The component's own timeouts at real speed: the backend's functions run at real speed in their
// own execution environments, as in AWS, and the attacker's requests take their turns beside the
// victims'.
const TIME_SCALE = 1;

/** Where a core ended: on a credential that works and that AWS IoT has attached to its own thing. */
export interface CoreEnding {
  thingName: string;
  status: string;
  connects: boolean;
  /** The installed certificate is ACTIVE and attached to the core's own thing. */
  registered: boolean;
  rotated: boolean;
  attachedCertificates: number;
}

export interface AttackerFleet {
  standIn: AwsStandIn;
  backend: BackendDeployment;
  fleet: RunningCore[];
  attacker: MqttClient;
  /** Runs one rotation job over the fleet and reports how each core ended. */
  rotate(): Promise<CoreEnding[]>;
  close(): Promise<void>;
}

/** Inline cores running the real component, plus an attacking thing connected with its own certificate. */
export async function startAttackerFleet(options: {
  devices: number;
  policy: CorePolicyChoice;
  thingNamePrefix?: string;
}): Promise<AttackerFleet> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rotator-hostile-'));
  const standIn = await startAwsStandIn({ minuteMs: 60_000 / TIME_SCALE, logger: stderrLogger('error') });
  const backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
  const algorithms = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;
  const cores = await provisionFleet(standIn, {
    count: options.devices,
    workDir,
    thingGroupName: GROUP,
    algorithms,
    policy: options.policy,
    thingNamePrefix: options.thingNamePrefix ?? 'core-',
  });
  const fleet = await startFleet(standIn, cores, {
    nucleus: 'inline',
    hsm: false,
    algorithms,
    componentTimerScale: TIME_SCALE,
    projectRoot: process.cwd(),
    workDir,
    thingGroupName: GROUP,
    say: () => undefined,
  });
  const attackerThing = await standIn.model.registry.provisionDevice({
    thingName: 'attacker',
    keySpec: { kind: 'EC', curve: 'P-256' },
    policyName: options.policy === 'permissive' ? 'AttackerPermissive' : 'AttackerLeastPrivilege',
    policyDocument:
      options.policy === 'permissive'
        ? PERMISSIVE_CORE_POLICY
        : standIn.model.registry.policies.getPolicy('GreengrassV2IoTThingPolicy').policyDocument,
  });
  const attacker = await mqtt.connectAsync(`mqtts://${standIn.mqtt.host}:${standIn.mqtt.port}`, {
    ca: standIn.mqtt.caCertificatePem,
    cert: attackerThing.certificatePem,
    key: attackerThing.privateKeyPem,
    clientId: 'attacker',
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const iot = new IoTClient(standInClientConfig(standIn));
  return {
    standIn,
    backend,
    fleet,
    attacker,
    async rotate() {
      const jobId = `hostile-${Date.now()}`;
      const group = standIn.model.registry.things.describeThingGroup(GROUP);
      const template = `arn:aws:iot:${standIn.model.region}:${standIn.model.accountId}:jobtemplate/AWSLabsCertificateRotator`;
      await iot.send(new CreateJobCommand({ jobId, jobTemplateArn: template, targets: [group.thingGroupArn] }));
      const progress = await watchJob(iot, jobId, { intervalMs: 200, timeoutMs: 240_000, expectedThings: cores.length });
      for (const core of fleet) await core.stop();
      await standIn.rules.whenIdle();
      const endings: CoreEnding[] = [];
      for (const core of fleet) {
        const { thingName } = core.core;
        const installed = certificateIdOf(await core.probe.certificatePem());
        const connects = await core.probe.connect().then(
          () => true,
          () => false,
        );
        const attached = standIn.model.registry.listThingPrincipalsV2(thingName);
        const record = standIn.model.registry.certificates.find(installed);
        const registered =
          record?.status === 'ACTIVE' &&
          attached.some((a) => a.principal.endsWith(`/${installed}`) && a.thingPrincipalType === 'EXCLUSIVE_THING');
        endings.push({
          thingName,
          status: progress.executions.find((e) => e.thingName === thingName)?.status ?? 'UNKNOWN',
          connects,
          registered,
          rotated: installed !== core.core.initialCertificateId,
          attachedCertificates: attached.length,
        });
      }
      return endings;
    },
    async close() {
      iot.destroy();
      await attacker.endAsync(true).catch(() => undefined);
      for (const core of fleet) await core.stop().catch(() => undefined);
      await standIn.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
