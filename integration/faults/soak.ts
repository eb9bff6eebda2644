import { readdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { SHADOW_NAME } from '../../shared/contract/index.js';
import { readHsmCoreSettings } from '../device/hsm/hsm-core.js';
import { tokenObjectLabels } from '../device/hsm/token-credentials.js';
import { isTerminal, startAwsStandIn, stderrLogger, thingArn, type AwsStandIn } from '../aws/index.js';
import { deployBackend } from '../local/deploy-backend.js';
import { provisionFleet, type ProvisionedCore } from '../local/fleet.js';
import { provisionHsmFleet } from '../local/hsm-fleet.js';
import { startFaultCores, type FaultCore, type StoreKind } from './fault-cores.js';
import { attachedCertificates } from './invariants.js';
import { sleep } from './settle.js';

export interface SoakOptions {
  store: StoreKind;
  rotations: number;
  /** The component's timers and AWS minutes this much faster than real time. */
  timeScale: number;
}

export interface SoakResult {
  store: StoreKind;
  rotations: number;
  succeeded: number;
  /** Every rotation that did not succeed: job, status and the device's status details. */
  failures: string[];
  /** Files in the core's Greengrass root that were not there before the first rotation (backups, temporary files). */
  leftoverFiles: string[];
  /** Files that were there before and are gone. */
  missingFiles: string[];
  /** PKCS#11: every object in the token, by kind and label, before the first rotation and after the last. */
  tokenObjectsBefore?: string[];
  tokenObjects?: string[];
  certificatesOnThing: number;
  /** Every certificate the account holds (the core's one, when nothing was left behind). */
  certificatesInAccount: number;
  rotationShadowLeft: boolean;
  /** Memory of the process running the stand-in, the backend and the (inline) component, in MiB. */
  rssAfterFirstMiB: number;
  rssAfterLastMiB: number;
  heapAfterFirstMiB: number;
  heapAfterLastMiB: number;
  seconds: number;
}

const ALGORITHMS: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' };

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

/** A full garbage collection, so that heap figures compare what is still held, not what is pending. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as unknown;
  if (typeof gc === 'function') (gc as () => void)();
}

function memory(): { rss: number; heap: number } {
  collectGarbage();
  const usage = process.memoryUsage();
  return { rss: usage.rss / 2 ** 20, heap: usage.heapUsed / 2 ** 20 };
}

/**
 * Waits until the execution has ended, the core rests in Idle, the backend has handled the
 * terminal event (the rotation shadow is gone) and the thing is back to one certificate.
 */
async function untilRotated(standIn: AwsStandIn, core: FaultCore, jobId: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const execution = standIn.model.jobs.describeJobExecution(jobId, core.thingName);
    if (isTerminal(execution.status) && (await core.rotatorState()) === 'Idle' && !shadowLeft(standIn, core.thingName)) {
      await standIn.rules.whenIdle();
      if (attachedCertificates(standIn, core.thingName).length === 1) return;
    }
    await sleep(20);
  }
  throw new Error(`rotation ${jobId} of ${core.thingName} did not end within ${Math.round(deadlineMs / 1000)} s`);
}

function shadowLeft(standIn: AwsStandIn, thingName: string): boolean {
  try {
    standIn.model.shadows.getThingShadow(thingName, SHADOW_NAME);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rotates one inline core `rotations` times in a row through the stand-in with the real store,
 * and reports what is left behind: files and token objects beyond the installed pair,
 * certificates beyond the one in use, the rotation shadow, and how memory moved.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const minuteMs = 60_000 / options.timeScale;
  const workDir = await mkdtemp(path.join(os.tmpdir(), `soak-${options.store}-`));
  const standIn = await startAwsStandIn({ minuteMs, logger: stderrLogger('error') });
  let stop: (() => Promise<void>) | undefined;
  try {
    const backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
    const provision = { count: 1, workDir, thingGroupName: 'Soak', algorithms: ALGORITHMS, thingNamePrefix: `soak-${options.store}-` };
    const [provisioned]: ProvisionedCore[] =
      options.store === 'pkcs11'
        ? await provisionHsmFleet(standIn, { ...provision, initialKeyAlgorithm: 'ECDSA-P256' })
        : await provisionFleet(standIn, provision);
    if (!provisioned) throw new Error('no core provisioned');
    const [core] = await startFaultCores(standIn, [provisioned], {
      store: options.store,
      mode: 'inline',
      algorithms: ALGORITHMS,
      timeScale: options.timeScale,
    });
    if (!core) throw new Error('no core started');
    stop = () => core.running.stop();
    // Generous: one clean rotation needs no timeout to pass; a stalled one fails the soak.
    const deadlineMs = 10 * minuteMs + 120_000;
    // The component's log grows by design; everything else must stay as it was.
    const before = (await filesUnder(provisioned.paths.root)).filter((f) => !f.startsWith('logs'));
    const hsm = options.store === 'pkcs11' ? readHsmCoreSettings(provisioned.paths.effectiveConfigPath) : undefined;
    const tokenBefore = hsm ? tokenObjectLabels(hsm.provider) : undefined;
    let succeeded = 0;
    const failures: string[] = [];
    let first = { rss: 0, heap: 0 };
    for (let i = 1; i <= options.rotations; i++) {
      const jobId = `soak-${i}`;
      standIn.model.jobs.createJob({
        jobId,
        jobTemplateArn: backend.jobTemplateArn,
        targets: [thingArn(standIn.model, core.thingName)],
        targetSelection: 'SNAPSHOT',
      });
      await untilRotated(standIn, core, jobId, deadlineMs);
      const execution = standIn.model.jobs.describeJobExecution(jobId, core.thingName);
      if (execution.status === 'SUCCEEDED') succeeded += 1;
      else failures.push(`${jobId}: ${execution.status} ${JSON.stringify(execution.statusDetails)}`);
      if (i === 1) first = memory();
    }
    const last = memory();
    const after = (await filesUnder(provisioned.paths.root)).filter((f) => !f.startsWith('logs'));
    return {
      store: options.store,
      rotations: options.rotations,
      succeeded,
      failures,
      leftoverFiles: after.filter((f) => !before.includes(f)),
      missingFiles: before.filter((f) => !after.includes(f)),
      ...(hsm && tokenBefore ? { tokenObjectsBefore: tokenBefore, tokenObjects: tokenObjectLabels(hsm.provider) } : {}),
      certificatesOnThing: attachedCertificates(standIn, core.thingName).length,
      certificatesInAccount: standIn.model.registry.certificates.listCertificates().length,
      rotationShadowLeft: shadowLeft(standIn, core.thingName),
      rssAfterFirstMiB: Math.round(first.rss),
      rssAfterLastMiB: Math.round(last.rss),
      heapAfterFirstMiB: Math.round(first.heap),
      heapAfterLastMiB: Math.round(last.heap),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stop?.().catch(() => undefined);
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
