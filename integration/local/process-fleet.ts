import path from 'node:path';
import { subscriptionTopics } from '../../shared/contract/index.js';
import { pollUntil } from '../../shared/wait/poll.js';
import type { AwsStandIn } from '../aws/index.js';
import { fileLogger } from '../device/file-logger.js';
import { readFileCredentials } from '../device/greengrass-root.js';
import { startNucleus, type Nucleus, type NucleusOptions } from '../device/nucleus/index.js';
import type { ComponentBuild } from './component-build.js';
import { rollOutComponent } from './greengrass-rollout.js';
import type { ProvisionedCore } from './fleet.js';
import type { FleetRunnerOptions, RunningCore } from './fleet-runner.js';
import { openHsmFleetAccess } from './hsm-fleet.js';
import { loggedState } from './logged-state.js';
import { fileCredentialsProbe, type InstalledCredentialsProbe } from './verify-fleet.js';

export interface ProcessFleetOptions extends FleetRunnerOptions {
  build: Pick<ComponentBuild, 'recipePath' | 'artifactPath'>;
  /** Where gdk-config.json is (the artifact bucket's name). */
  projectRoot: string;
  /** The cores' thing group, which the component is deployed to. */
  thingGroupName: string;
  /** The cores were provisioned with provisionHsmFleet: their keys are in SoftHSM2 tokens. */
  hsm?: boolean;
  /** Lay the cores out as AWS IoT fleet provisioning does (credential paths only in config.tlog). */
  provisionedByClaim?: boolean;
  say?: (line: string) => void;
}

/** How one core's nucleus reaches its credentials, and how the fleet checks them afterwards. */
interface CoreCredentials {
  nucleus: Pick<NucleusOptions, 'credentials' | 'otherServices' | 'env'>;
  probe: InstalledCredentialsProbe;
}

/**
 * File cores: the nucleus installs the PEM files. HSM cores: the system paths are PKCS#11 URIs,
 * the component reads the Pkcs11Provider configuration over IPC and finds the tokens through
 * SOFTHSM2_CONF, and the nucleus connects with aws-crt signing inside the token.
 */
async function coreCredentials(standIn: AwsStandIn, cores: ProvisionedCore[], hsm: boolean): Promise<CoreCredentials[]> {
  if (!hsm)
    return Promise.all(
      cores.map(async (core) => ({
        nucleus: { credentials: { kind: 'files', ...(await readFileCredentials(core.paths)) } },
        probe: fileCredentialsProbe(standIn, core),
      })),
    );
  return openHsmFleetAccess(standIn, cores).map((access) => ({
    nucleus: {
      credentials: { kind: 'pkcs11', ...access.credentialPaths, connect: access.connect },
      // The nucleus takes each service's configuration itself, not the service entry around it.
      otherServices: Object.fromEntries(Object.entries(access.otherServices).map(([name, service]) => [name, service.configuration])),
      env: access.env,
    },
    probe: access.probe,
  }));
}

/** A component process starting on a busy machine (Node.js, a 2.6 MiB bundle, native addons) can take a minute. */
const READY_TIMEOUT_MS = 180_000;

/**
 * Waits until the component has subscribed to its nine topics, and so to configuration
 * validation before them: until then Greengrass would apply a configuration update unchecked.
 */
async function componentReady(nucleus: Nucleus, thingName: string): Promise<void> {
  const topics = subscriptionTopics(thingName).length;
  const { done } = await pollUntil(
    () => nucleus.componentSubscriptions().length,
    (n) => n >= topics,
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 50 },
  );
  if (!done) {
    throw new Error(
      `${thingName}: the component did not subscribe to its topics within ${READY_TIMEOUT_MS / 1000} s; see ${nucleus.layout.logPath}`,
    );
  }
}

/** Longest the component's Greengrass deployment may take on the whole fleet. */
const DEPLOYMENT_TIMEOUT_MS = 180_000;

/** The rotator's state as its log says, while its nucleus runs it; otherwise the nucleus's own status. */
async function rotatorStateOf(nucleus: Nucleus, componentLog: string): Promise<string> {
  if (nucleus.status === 'off' || nucleus.status === 'stopped') return 'stopped';
  if (nucleus.status === 'restarting') return 'restarting';
  // Only a running nucleus whose component is up has a current state.
  return nucleus.componentState === 'RUNNING' ? loggedState(componentLog) : `${nucleus.status}/${nucleus.componentState}`;
}

/**
 * Runs each core as Greengrass would (process mode): a nucleus stand-in per core starts with no
 * component; the build is published to the stand-in's Greengrass and deployed to the cores' thing
 * group, whose nuclei take the deployment job, download and check the artifact, run its lifecycle
 * scripts as processes and serve Greengrass IPC to the unmodified component. The component keeps
 * its real 30 s timeouts. HSM cores need one fleet per process (see SharedPkcs11Library).
 */
export async function startProcessFleet(
  standIn: AwsStandIn,
  cores: ProvisionedCore[],
  options: ProcessFleetOptions,
): Promise<RunningCore[]> {
  const broker = { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem };
  if (!standIn.http)
    throw new Error("process mode deploys the component through the stand-in's Greengrass API: start it with its HTTP APIs");
  const cloud = { endpoint: standIn.http.endpoint, region: standIn.model.region, rootCaPem: standIn.mqtt.caCertificatePem };
  const credentials = await coreCredentials(standIn, cores, options.hsm ?? false);
  const nuclei: Array<{ core: ProvisionedCore; nucleus: Nucleus; logger: ReturnType<typeof fileLogger>; access: CoreCredentials }> = [];
  for (const [i, core] of cores.entries()) {
    const access = credentials[i];
    if (access === undefined) throw new Error(`no credentials for ${core.thingName}`);
    const logger = fileLogger(path.join(core.paths.root, 'logs', 'greengrass.log'), { thingName: core.thingName });
    const nucleus = await startNucleus({
      root: core.paths.root,
      thingName: core.thingName,
      broker,
      cloud,
      ...access.nucleus,
      ...(options.provisionedByClaim ? { provisionedByClaim: true } : {}),
      region: standIn.model.region,
      logger,
    });
    nuclei.push({ core, nucleus, logger, access });
  }
  await rollOutComponent(standIn, options.build, {
    projectRoot: options.projectRoot,
    thingGroupName: options.thingGroupName,
    configuration: { ...options.algorithms },
    timeoutMs: DEPLOYMENT_TIMEOUT_MS,
    say: options.say ?? (() => undefined),
  });
  const running: RunningCore[] = [];
  for (const { core, nucleus, logger, access } of nuclei) {
    const componentLog = path.join(core.paths.root, 'logs', 'aws.greengrass.labs.CertificateRotator.log');
    await componentReady(nucleus, core.thingName);
    running.push({
      core,
      componentState: () => `${nucleus.status}/${nucleus.componentState}`,
      rotatorState: () => rotatorStateOf(nucleus, componentLog),
      restarts: () => nucleus.restartCount,
      deployConfiguration: async (configuration) => {
        const result = await nucleus.deployConfiguration({ merge: configuration });
        return { status: result.status, message: result.message };
      },
      powerCut: () => nucleus.powerCut(),
      start: () => nucleus.start(),
      onRestart: (listener) => nucleus.onRestart(listener),
      stop: async () => {
        await nucleus.stop();
        await logger.close();
      },
      probe: access.probe,
    });
    options.onStarted?.(running.length, cores.length);
  }
  return running;
}
