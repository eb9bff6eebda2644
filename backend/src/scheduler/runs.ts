import { describeError } from '../aws/errors.js';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';
import { byUrgency, DAY_MS, dueUnder, type Due } from './due.js';
import { examineThing, type ExamineContext, type ExamineRequest, type Examination } from './examine.js';
import type { CertificateFinding } from './findings.js';
import { certificateRecord, certificateThings, groupMembers, thingGroupsOf } from './fleet.js';
import { rotationJobCheck, scheduledJobTargets } from './pending-rotations.js';
import type { RunReport } from './report.js';
import { createRotationJobs, jobIdFor } from './rotation-jobs.js';
import type { SchedulerAws } from './scheduler-aws.js';
import type { SchedulerSettings, SchedulerTiming } from './settings.js';

export interface RunContext {
  aws: SchedulerAws;
  settings: SchedulerSettings;
  timing: SchedulerTiming;
  /** The calendar time the run started at. */
  now: number;
}

/** Fisher-Yates with the injected random source: a fleet too large for one run is covered over several. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function examineContext(ctx: RunContext): Promise<ExamineContext> {
  return {
    aws: ctx.aws,
    scheduledTargets: await scheduledJobTargets(ctx.aws, ctx.settings.jobIdPrefix),
    isRotationJob: rotationJobCheck(ctx.aws, ctx.settings.jobDocument),
  };
}

/**
 * Examines the requests side by side until all are done or only the reserve of the time budget
 * is left; returns what it concluded and how many it never reached.
 */
async function examineAll(ctx: RunContext, requests: readonly ExamineRequest[]): Promise<{ results: Examination[]; unexamined: number }> {
  const examine = await examineContext(ctx);
  const queue = [...requests];
  const results: Examination[] = [];
  let outOfTime = false;
  const worker = async (): Promise<void> => {
    while (!outOfTime && queue.length > 0) {
      if (ctx.aws.invocation.budget.remainingMs() < ctx.timing.reserveMs) {
        outOfTime = true;
        return;
      }
      const next = queue.shift() as ExamineRequest;
      try {
        results.push(await examineThing(examine, next));
      } catch (error) {
        if (!(error instanceof RetryBudgetExhaustedError)) throw error;
        queue.unshift(next);
        outOfTime = true;
      }
    }
  };
  await Promise.all(Array.from({ length: ctx.timing.concurrency }, worker));
  return { results, unexamined: queue.length };
}

/** Starts the due things, most urgent first, up to the cap; the rest are skipped with the reason. */
async function startRotations(
  ctx: RunContext,
  trigger: string,
  watched: number,
  examined: { results: Examination[]; unexamined: number },
  problems: string[],
  jobSuffix: (batch: number) => string,
): Promise<RunReport> {
  const { settings } = ctx;
  const due = examined.results.flatMap((e) => (e.kind === 'due' ? [e] : [])).sort(byUrgency);
  const chosen = due.slice(0, settings.maxRotationsPerRun);
  const skipped: RunReport['skipped'] = examined.results.flatMap((e) =>
    e.kind === 'skipped' ? [{ thingName: e.thingName, reason: e.reason, code: e.code }] : [],
  );
  for (const over of due.slice(settings.maxRotationsPerRun)) {
    skipped.push({
      thingName: over.thingName,
      code: 'OverCap',
      reason: `due (${over.due.reason}) but over this run's cap of ${settings.maxRotationsPerRun}; next run`,
    });
  }
  const outcome = await createRotationJobs(
    ctx.aws,
    chosen.map((c) => c.thingName),
    {
      jobTemplateArn: settings.jobTemplateArn,
      thingsPerJob: settings.thingsPerJob,
      jobId: (batch) => jobIdFor(settings.jobIdPrefix, ctx.now, jobSuffix(batch)),
      description: `Certificate rotation started by the rotation scheduler (${trigger})`,
    },
  );
  const reasonOf = new Map(chosen.map((c) => [c.thingName, c.due.reason]));
  const started = outcome.created.flatMap((job) =>
    job.thingNames.map((thingName) => ({ thingName, jobId: job.jobId, reason: reasonOf.get(thingName) ?? '' })),
  );
  for (const failed of outcome.failed)
    skipped.push(...failed.thingNames.map((thingName) => ({ thingName, code: 'CreateJobFailed' as const, reason: failed.problem })));
  if (examined.unexamined > 0) {
    problems.push(`the time budget ran out with ${examined.unexamined} thing(s) not examined; they are looked at on a later run`);
  }
  return {
    trigger,
    watched,
    examined: examined.results.length,
    notDue: examined.results.filter((e) => e.kind === 'notDue').length,
    jobs: outcome.created,
    started,
    skipped,
    problems,
  };
}

/** The scheduled run: every thing of the watched groups, due by the policy. */
export async function scheduledRun(ctx: RunContext): Promise<RunReport> {
  const problems: string[] = [];
  const members = new Set<string>();
  for (const group of ctx.settings.thingGroups) {
    const things = await groupMembers(ctx.aws, group);
    if (things === undefined) problems.push(`thing group ${group} not found`);
    for (const thing of things ?? []) members.add(thing);
  }
  const dueOf = (facts: Parameters<typeof dueUnder>[1]): Due | undefined => dueUnder(ctx.settings.policy, facts, ctx.now);
  const requests = shuffled([...members], ctx.timing.random).map((thingName) => ({ thingName, dueOf }));
  const examined = await examineAll(ctx, requests);
  return startRotations(ctx, 'schedule', members.size, examined, problems, (batch) => String(batch));
}

/** A Device Defender finding: the things that hold its certificate, in a watched group, are due. */
export async function findingRun(ctx: RunContext, finding: CertificateFinding): Promise<RunReport> {
  const trigger = `Device Defender ${finding.checkName}`;
  const problems: string[] = [];
  const requests: ExamineRequest[] = [];
  try {
    const record = await certificateRecord(ctx.aws, finding.certificateId);
    const watched = new Set(ctx.settings.thingGroups);
    for (const thingName of await certificateThings(ctx.aws, record.certificateArn)) {
      const groups = await thingGroupsOf(ctx.aws, thingName);
      if (![...groups].some((g) => watched.has(g))) {
        problems.push(`${thingName} holds certificate ${finding.certificateId} but is in no watched thing group; not rotated`);
        continue;
      }
      const dueOf = (facts: { notAfter: number; createdAt: number }): Due => ({
        reason: trigger,
        daysLeft: Math.floor((facts.notAfter - ctx.now) / DAY_MS),
        ageDays: Math.floor((ctx.now - facts.createdAt) / DAY_MS),
      });
      requests.push({ thingName, dueOf, expectedCertificateId: finding.certificateId });
    }
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    problems.push(`certificate ${finding.certificateId} of the finding could not be looked up: ${describeError(error)}`);
  }
  const examined = await examineAll(ctx, requests);
  // Findings arrive one an invocation and may overlap in time: a random part keeps job ids apart.
  const tag = Math.floor(ctx.timing.random() * 0xffff)
    .toString(16)
    .padStart(4, '0');
  return startRotations(ctx, trigger, requests.length, examined, problems, (batch) => `f${tag}-${batch}`);
}
