import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { PCA_SIGNING_ALGORITHMS } from '../../backend/src/index.js';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { deployBackend, standInClientConfig, type BackendDeployment } from '../local/deploy-backend.js';
import { provisionFleet } from '../local/fleet.js';
import type { RunningCore } from '../local/fleet-runner.js';
import { provisionHsmFleet } from '../local/hsm-fleet.js';
import { INLINE_TEST_TIME_SCALE, startFleet, type NucleusMode } from '../local/start-fleet.js';
import { deployConfiguration } from './aws-deployment.js';
import { componentValidationMessage } from './validation-failure.js';
import type { RotationTarget } from './target.js';
import { backendResourceNames } from '../../shared/contract/index.js';

export interface StandInTargetOptions {
  devices?: number;
  /** How much faster than real time the component's timeouts and AWS IoT's job minutes run. */
  timeScale?: number;
  algorithms?: AlgorithmConfig;
  /**
   * inline (default): the component code runs in this process; process: a nucleus stand-in per
   * core runs the built component (built afresh for the target) over Greengrass IPC.
   */
  nucleus?: NucleusMode;
  /**
   * Keys in SoftHSM2 (one token per core, PKCS#11 URIs in the effective configuration), in either
   * nucleus mode. One HSM target per process: SoftHSM reads its configuration once (see
   * SharedPkcs11Library).
   */
  hsm?: boolean;
  /** Inline cores: how long Greengrass takes to come back after the component asks for a restart. */
  restartDelayMs?: number;
  /** Process mode: cores provisioned by claim, their credential paths only in config/config.tlog. */
  provisionedByClaim?: boolean;
}

export interface StandInTarget extends RotationTarget {
  /** The stand-in sees inside its cores, so these are always there. */
  installedCertificatePem(thingName: string): Promise<string>;
  coreConnects(thingName: string): Promise<boolean>;
  standIn: AwsStandIn;
  backend: BackendDeployment;
  fleet: RunningCore[];
}

const THING_GROUP = 'CertificateRotatorTestFleet';

/**
 * How long setting up a stand-in target may take: the first synthesis after a change to the
 * backend bundles its handlers, which takes a minute or more on a busy machine.
 */
export const STAND_IN_SETUP_TIMEOUT_MS = 300_000;

/**
 * The stand-in suites' timeouts: a rotation test waits for a job, and the failure cases also for
 * the component's own timeouts (30 s in process mode) and restarts; each job is bounded by the
 * target's jobTimeoutMs anyway.
 */
export const STAND_IN_SUITE_TIMEOUTS = { setupMs: STAND_IN_SETUP_TIMEOUT_MS, rotationMs: 300_000 };

/**
 * Process-mode cores keep the component's real 30 s timeouts, so AWS IoT's job minutes may be
 * shortened only so far: 5 in-progress minutes must stay well above a rotation's 30 s steps.
 */
const PROCESS_MODE_MAX_MINUTE_SCALE = 2;

/** The local stand-in as a target: a fresh account, backend and fleet on this machine. */
export async function createStandInTarget(options: StandInTargetOptions = {}): Promise<StandInTarget> {
  const timeScale = options.timeScale ?? INLINE_TEST_TIME_SCALE;
  const nucleus = options.nucleus ?? 'inline';
  const awsTimeScale = nucleus === 'process' ? Math.min(timeScale, PROCESS_MODE_MAX_MINUTE_SCALE) : timeScale;
  const algorithms = options.algorithms ?? { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' };
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rotator-e2e-'));
  const standIn = await startAwsStandIn({ minuteMs: 60_000 / awsTimeScale, logger: stderrLogger('error') });
  const backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'ERROR' });
  const cores = await (options.hsm ? provisionHsmFleet : provisionFleet)(standIn, {
    count: options.devices ?? 2,
    workDir,
    thingGroupName: THING_GROUP,
    algorithms,
  });
  const fleet = await startFleet(standIn, cores, {
    nucleus,
    hsm: options.hsm ?? false,
    algorithms,
    componentTimerScale: nucleus === 'inline' ? timeScale : 1,
    ...(options.restartDelayMs === undefined ? {} : { restartDelayMs: options.restartDelayMs }),
    projectRoot: process.cwd(),
    workDir,
    thingGroupName: THING_GROUP,
    freshBuildDir: path.join(workDir, 'greengrass-build'),
    ...(options.provisionedByClaim ? { provisionedByClaim: true } : {}),
    say: () => undefined,
  });
  const clientConfig = standInClientConfig(standIn);
  const iot = new IoTClient(clientConfig);
  const iotData = new IoTDataPlaneClient(clientConfig);
  const greengrass = new GreengrassV2Client(clientConfig);
  const thingGroupArn = standIn.model.registry.things.describeThingGroup(THING_GROUP).thingGroupArn;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const coreOf = (thingName: string): RunningCore => {
    const found = fleet.find((c) => c.core.thingName === thingName);
    if (!found) throw new Error(`no core named ${thingName} in the stand-in fleet`);
    return found;
  };
  return {
    name: 'stand-in',
    standIn,
    backend,
    fleet,
    iot,
    iotData,
    thingGroupName: THING_GROUP,
    jobTemplateId: backendResourceNames().jobTemplate,
    // In-progress timeout (5 AWS minutes) plus the rollout, scaled, with room for a slow machine.
    jobTimeoutMs: (6 * 60_000) / awsTimeScale + 30_000,
    pollIntervalMs: 200,
    cleanupTimeoutMs: 30_000,
    things: async () => cores.map((c) => c.thingName),
    // Process cores took the component from a Greengrass deployment, so configuration goes that way
    // too (a new revision of the group's deployment); inline cores are configured directly.
    deployConfiguration: async (configuration) =>
      nucleus === 'process'
        ? deployConfiguration(
            {
              greengrass,
              iot,
              thingGroupArn,
              things: cores.map((c) => c.thingName),
              pollIntervalMs: 200,
              jobTimeoutMs: 60_000,
              sleep,
              getDeploymentRetryMs: 200,
            },
            configuration,
          )
        : Promise.all(
            fleet.map(async (c) => {
              const result = await c.deployConfiguration(configuration);
              // Greengrass wraps the component's own reason; the suites compare the component's.
              return {
                thingName: c.core.thingName,
                status: result.status,
                message: componentValidationMessage(result.message) ?? result.message,
              };
            }),
          ),
    useIssuer: (issuer) => backend.useIssuer(issuer),
    pcaSigningAlgorithms: async () => [...PCA_SIGNING_ALGORITHMS],
    installedCertificatePem: (thingName) => coreOf(thingName).probe.certificatePem(),
    coreConnects: async (thingName) =>
      coreOf(thingName)
        .probe.connect()
        .then(
          () => true,
          () => false,
        ),
    notifications: async () =>
      standIn.model.sns.messages().map((m) => ({ ...(m.subject ? { subject: m.subject } : {}), message: m.message })),
    close: async () => {
      for (const core of fleet) await core.stop().catch(() => undefined);
      iot.destroy();
      iotData.destroy();
      greengrass.destroy();
      await standIn.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
