import { CreateJobCommand, DescribeJobTemplateCommand, IoTClient } from '@aws-sdk/client-iot';
import { withFailureReasons } from '../../shared/operator/failure-reasons.js';
import { watchJob } from '../../shared/operator/job-watch.js';
import { ProgressLine, renderProgress } from '../../shared/operator/progress-bar.js';
import { clientConfig, runAwsCommand, type CliIo } from './cli.js';
import { ROTATE_USAGE, parseRotateArgs, type RotateOptions, type RotateTarget } from './rotate-options.js';

export interface ThingOutcome {
  thingName: string;
  /** The execution's status, or NOT_DISPATCHED when a named thing got no execution. */
  status: string;
  /** DeviceFailureReason the component reported, when the execution did not succeed. */
  reason?: string;
}

export interface RotateOutcome {
  jobId: string;
  things: ThingOutcome[];
  succeeded: number;
  /** Things whose rotation did not succeed (failed, timed out, or not finished when watching stopped). */
  failed: number;
  /** Watching stopped at --timeout before every execution ended. */
  timedOut: boolean;
}

export interface RotateDeps {
  /** Defaults to an IoTClient from the options' region and endpoint and the standard credential chain. */
  iot?: IoTClient;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

function targetArns(templateArn: string, target: RotateTarget): string[] {
  // The template's ARN carries the partition, region and account the targets live in.
  const base = templateArn.slice(0, templateArn.indexOf(':jobtemplate/'));
  return target.kind === 'thingGroup' ? [`${base}:thinggroup/${target.name}`] : target.names.map((n) => `${base}:thing/${n}`);
}

function describeTarget(target: RotateTarget): string {
  return target.kind === 'thingGroup' ? `thing group ${target.name}` : `${target.names.length} thing(s): ${target.names.join(', ')}`;
}

function formatOutcome(outcome: RotateOutcome): string {
  const width = Math.max(10, ...outcome.things.map((t) => t.thingName.length));
  const rows = outcome.things.map((t) => `  ${t.thingName.padEnd(width)}  ${t.status.padEnd(14)}${t.reason ? `  ${t.reason}` : ''}`);
  const summary =
    `${outcome.succeeded} of ${outcome.things.length} rotated` +
    (outcome.timedOut ? '; stopped watching at --timeout, the job goes on' : '');
  return [`Job ${outcome.jobId}`, ...rows, summary].join('\n');
}

/**
 * Creates a rotation job from the job template for a thing group or a list of things, watches it
 * with a progress line on stderr, and reports each thing's outcome on stdout.
 * Exit code 0 only when every execution SUCCEEDED.
 */
export async function runRotate(
  options: RotateOptions,
  io: CliIo,
  deps: RotateDeps = {},
): Promise<{ exitCode: number; outcome?: RotateOutcome }> {
  const iot = deps.iot ?? new IoTClient(clientConfig(options));
  const now = deps.now ?? Date.now;
  try {
    let templateArn: string;
    try {
      const template = await iot.send(new DescribeJobTemplateCommand({ jobTemplateId: options.templateId }));
      templateArn = template.jobTemplateArn ?? '';
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') {
        throw new Error(`Job template ${options.templateId} not found: deploy the backend first, or pass --template-id`);
      }
      throw error;
    }
    const jobId = options.jobId ?? `certificate-rotation-${new Date(now()).toISOString().replace(/[-:.]/g, '')}`;
    const created = await iot.send(
      new CreateJobCommand({
        jobId,
        jobTemplateArn: templateArn,
        targets: targetArns(templateArn, options.target),
        targetSelection: 'SNAPSHOT',
      }),
    );
    io.stderr.write(`Created job ${jobId} from template ${options.templateId} for ${describeTarget(options.target)}\n`);

    if (!options.wait) {
      io.stdout.write(options.json ? `${JSON.stringify({ jobId, jobArn: created.jobArn })}\n` : `${jobId}\n`);
      return { exitCode: 0 };
    }

    const expectedThings = options.target.kind === 'things' ? options.target.names.length : undefined;
    const line = new ProgressLine(io.stderr);
    const progress = await watchJob(iot, jobId, {
      intervalMs: options.pollIntervalMs,
      timeoutMs: options.timeoutMs,
      ...(expectedThings === undefined ? {} : { expectedThings }),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      now,
      onProgress: (p) => line.update(renderProgress(p.counts, expectedThings ?? p.executions.length)),
    });
    line.finish();

    const seen = new Set(progress.executions.map((e) => e.thingName));
    const notDispatched = options.target.kind === 'things' ? options.target.names.filter((n) => !seen.has(n)) : [];
    const things: ThingOutcome[] = await withFailureReasons(iot, jobId, [
      ...progress.executions.map((e) => ({ thingName: e.thingName, status: e.status })),
      ...notDispatched.map((thingName) => ({ thingName, status: 'NOT_DISPATCHED' })),
    ]);
    things.sort((a, b) => a.thingName.localeCompare(b.thingName));
    const succeeded = things.filter((t) => t.status === 'SUCCEEDED').length;
    const outcome: RotateOutcome = { jobId, things, succeeded, failed: things.length - succeeded, timedOut: progress.timedOut };
    io.stdout.write(options.json ? `${JSON.stringify(outcome)}\n` : `${formatOutcome(outcome)}\n`);
    const allSucceeded = !outcome.timedOut && things.length > 0 && outcome.failed === 0;
    return { exitCode: allSucceeded ? 0 : 1, outcome };
  } finally {
    if (!deps.iot) iot.destroy();
  }
}

/** The command: parses argv, prints help or runs; returns the exit code (2 for a bad command line). */
export function rotateMain(argv: string[], io: CliIo, deps: RotateDeps = {}): Promise<number> {
  return runAwsCommand(argv, io, {
    name: 'rotate',
    usage: ROTATE_USAGE,
    parse: parseRotateArgs,
    run: async (options) => (await runRotate(options, io, deps)).exitCode,
  });
}
