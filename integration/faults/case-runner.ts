import { SHADOW_NAME } from '../../shared/contract/index.js';
import { thingArn } from '../aws/index.js';
import type { AwsStandIn } from '../aws/index.js';
import { certificateIdOf } from '../aws/index.js';
import type { FaultCore } from './fault-cores.js';
import { armFault, type FaultKind } from './inject.js';
import { attachedCertificates, checkInvariants, subjectThing, type InvariantReport } from './invariants.js';
import { pointId, type ProtocolPoint } from './protocol-points.js';
import { sleep, untilSettled, type CaseTiming, type SettleReport } from './settle.js';

/** One cell of the matrix: a fault of a kind at a point, on the way a scenario goes. */
export interface FaultCase {
  point: ProtocolPoint;
  kind: FaultKind;
  /** `rollback`: the commit request is lost too, so that the rotation fails and rolls back. */
  scenario: 'rotation' | 'rollback';
}

export interface CaseResult extends InvariantReport {
  id: string;
  point: string;
  kind: FaultKind;
  scenario: FaultCase['scenario'];
  mode: FaultCore['mode'];
  /** The fault happened (a point the run did not pass through leaves it unused). */
  applied: boolean;
  settle: SettleReport;
  /** For an unsettled case: the core's next rotation left exactly one certificate. */
  settledByNextRotation?: boolean;
  seconds: number;
}

export interface CaseEnv {
  standIn: AwsStandIn;
  jobTemplateArn: string;
  timing: CaseTiming;
  log: (line: string) => void;
}

let jobCounter = 0;

/**
 * A case whose job never settled: the matrix stops at once and names the core, the job, the fault
 * and where the component was, rather than running on with a core that may be lost.
 */
export class CaseUnsettledError extends Error {
  constructor(thing: string, jobId: string, fault: string, why: string) {
    super(`${thing}: job ${jobId} with fault ${fault} did not settle: ${why}`);
    this.name = 'CaseUnsettledError';
  }
}

export function caseId(fault: FaultCase): string {
  return `${fault.scenario === 'rollback' ? '[rollback] ' : ''}${pointId(fault.point)} × ${fault.kind}`;
}

/** Runs one job with one fault on one core, waits for everything to settle, and checks the invariants. */
export async function runCase(env: CaseEnv, core: FaultCore, fault: FaultCase, onJob?: (jobId: string) => void): Promise<CaseResult> {
  const started = Date.now();
  const { standIn } = env;
  const thing = core.thingName;
  const oldCertificateId = certificateIdOf(await core.running.probe.certificatePem());
  const created: string[] = [];
  const stopWatching = standIn.model.registry.certificates.onEvent((event) => {
    if (event.kind !== 'created') return;
    const record = standIn.model.registry.certificates.find(event.certificateId);
    if (record && subjectThing(record.certificatePem) === thing) created.push(event.certificateId);
  });
  const notificationsBefore = standIn.model.sns.messages().length;
  const jobId = `fault-${process.pid}-${++jobCounter}`;
  let appliedAt: number | undefined;
  let comebacks = 0;
  const comeback = (work: () => Promise<void>): void => {
    comebacks += 1;
    void work()
      .catch((error: unknown) => env.log(`${thing}: ${(error as Error).message}`))
      .finally(() => (comebacks -= 1));
  };
  const lateMs = env.timing.componentTimeoutMs + 2_000;
  const disarm = armFault(fault.point, fault.kind, {
    standIn,
    core,
    jobId,
    lateMs,
    applied: () => void (appliedAt ??= Date.now()),
    cutPower: () => {
      core.power.on = false;
      comeback(async () => {
        await core.running.powerCut();
        await sleep(env.timing.downtimeMs);
        core.power.on = true;
        await core.running.start();
      });
    },
    dropConnection: () => void setTimeout(() => standIn.faults.disconnect(thing), 0),
    restartAgain: () =>
      comeback(async () => {
        while (['restarting', 'stopped', 'killed', 'running'].includes(await core.rotatorState())) await sleep(10);
        await core.running.powerCut();
        await core.running.start();
      }),
  });
  const disarmScenario = fault.scenario === 'rollback' ? loseCommitRequest(standIn, thing) : () => undefined;
  try {
    onJob?.(jobId);
    standIn.model.jobs.createJob({
      jobId,
      jobTemplateArn: env.jobTemplateArn,
      targets: [thingArn(standIn.model, thing)],
      targetSelection: 'SNAPSHOT',
    });
    // A late message is waited for: what it does when it finally arrives counts too.
    const delayed = (): boolean => fault.kind === 'late' && appliedAt !== undefined && Date.now() < appliedAt + lateMs + 1_000;
    const settle = await untilSettled(standIn, core, jobId, env.timing, () => comebacks > 0 || delayed());
    if (settle.unsettled !== undefined) throw new CaseUnsettledError(thing, jobId, caseId(fault), settle.unsettled);
    disarm();
    disarmScenario();
    const terminalEventLost =
      fault.kind === 'lost' && appliedAt !== undefined && fault.point.kind === 'message' && fault.point.direction === 'service';
    const report = await checkInvariants(standIn, core.running, {
      jobId,
      oldCertificateId,
      createdCertificates: created,
      notificationsBefore,
      terminalEventLost,
    });
    const result: CaseResult = {
      ...report,
      id: caseId(fault),
      point: pointId(fault.point),
      kind: fault.kind,
      scenario: fault.scenario,
      mode: core.mode,
      applied: appliedAt !== undefined,
      settle,
      seconds: 0,
    };
    if (report.outcome === 'unsettled' || report.outcome === 'eventLost')
      result.settledByNextRotation = await nextRotationSettles(env, core);
    if (report.violations.length > 0) await repair(standIn, thing, report.facts.installedCertificateId);
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } finally {
    disarm();
    disarmScenario();
    stopWatching();
    while (comebacks > 0) await sleep(50);
  }
}

/**
 * After a case that broke an invariant, puts the thing back as an operator would (only the
 * certificate the core has installed attached, no rotation record), so that the next case on
 * this core starts clean and reports its own outcome.
 */
async function repair(standIn: AwsStandIn, thing: string, installedCertificateId: string | undefined): Promise<void> {
  const registry = standIn.model.registry;
  for (const arn of registry.listThingPrincipals(thing)) {
    const certificateId = arn.slice(arn.lastIndexOf('/') + 1);
    if (certificateId === installedCertificateId) continue;
    registry.updateCertificate(certificateId, 'INACTIVE');
    registry.detachThingPrincipal(thing, arn);
    for (const policy of registry.listAttachedPolicies(arn)) registry.detachPolicy(policy.policyName, arn);
    // Detaching propagates after a moment, as in AWS IoT.
    for (let attempt = 0; ; attempt++) {
      try {
        registry.deleteCertificate(certificateId, true);
        break;
      } catch (error) {
        if (attempt > 50) throw error;
        await sleep(100);
      }
    }
  }
  try {
    standIn.model.shadows.deleteThingShadow(thing, SHADOW_NAME);
  } catch {
    // No rotation record left.
  }
}

/** The rollback scenario: the core's commit request never arrives. */
function loseCommitRequest(standIn: AwsStandIn, thing: string): () => void {
  standIn.faults.dropNext(`awslabs/things/${thing}/certificate/commit`, { direction: 'inbound', clientId: thing, count: 1_000 });
  return () => standIn.faults.clearMessageFaults(thing);
}

/** A fault-free rotation after an unsettled one: it must settle it and leave one certificate. */
async function nextRotationSettles(env: CaseEnv, core: FaultCore): Promise<boolean> {
  const { standIn } = env;
  const jobId = `settle-${process.pid}-${++jobCounter}`;
  standIn.model.jobs.createJob({
    jobId,
    jobTemplateArn: env.jobTemplateArn,
    targets: [thingArn(standIn.model, core.thingName)],
    targetSelection: 'SNAPSHOT',
  });
  const settle = await untilSettled(standIn, core, jobId, env.timing, () => false);
  if (settle.unsettled !== undefined)
    throw new CaseUnsettledError(core.thingName, jobId, 'none (the rotation after an unsettled case)', settle.unsettled);
  const status = standIn.model.jobs.describeJobExecution(jobId, core.thingName).status;
  return status === 'SUCCEEDED' && attachedCertificates(standIn, core.thingName).length === 1;
}
