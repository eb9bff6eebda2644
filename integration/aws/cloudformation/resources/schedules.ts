import { randomUUID } from 'node:crypto';
import type { Timer } from '../../model/clock.js';
import { generatedName, optionalString, record, type ResourceContext, type ResourceHandler } from '../resource-handler.js';

const UNIT_MINUTES: Readonly<Record<string, number>> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };

/** `rate(5 minutes)` in minutes; undefined for what the stand-in does not run (cron expressions). */
export function rateMinutes(expression: string): number | undefined {
  const match = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MINUTES[match[2] ?? ''] ?? Number.NaN);
}

/** Runs `fire` every `minutes` AWS minutes on the account's clock until the returned stop is called. */
function every(ctx: ResourceContext, minutes: number, fire: () => void): () => void {
  const { clock, timeScale } = ctx.target.model;
  let timer: Timer | undefined;
  let stopped = false;
  const arm = (): void => {
    timer = clock.setTimer(minutes * timeScale.minuteMs, () => {
      if (stopped) return;
      fire();
      arm();
    });
  };
  arm();
  return () => {
    stopped = true;
    timer?.cancel();
  };
}

function scheduledEvent(ctx: ResourceContext, ruleArn: string): Record<string, unknown> {
  const { model } = ctx.target;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: model.accountId,
    time: new Date(model.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: model.region,
    resources: [ruleArn],
    detail: {},
  };
}

function notRun(ctx: ResourceContext, expression: string | undefined, physicalId: string, attributes: Record<string, unknown>) {
  ctx.target.logger.warn('Schedule not run by the stand-in (only rate() expressions are)', {
    resource: ctx.logicalId,
    expression: expression ?? '(event pattern)',
  });
  return { physicalId, attributes };
}

/** AWS::Events::Rule on a schedule: EventBridge invokes each Lambda target as events.amazonaws.com. */
export const eventsRule: ResourceHandler = {
  create(props, ctx) {
    const name = optionalString(props, 'Name') ?? generatedName(ctx);
    const { model, lambda, logger } = ctx.target;
    const arn = `arn:aws:events:${model.region}:${model.accountId}:rule/${name}`;
    const expression = optionalString(props, 'ScheduleExpression');
    const minutes = expression === undefined ? undefined : rateMinutes(expression);
    if (minutes === undefined || optionalString(props, 'State') === 'DISABLED') return notRun(ctx, expression, name, { Arn: arn });
    const targets = (Array.isArray(props['Targets']) ? props['Targets'] : []).map(record);
    const stop = every(ctx, minutes, () => {
      for (const target of targets) {
        const input = optionalString(target, 'Input');
        const event = input === undefined ? scheduledEvent(ctx, arn) : (JSON.parse(input) as unknown);
        lambda
          .invokeAsync(String(target['Arn']), event, { principal: 'events.amazonaws.com', sourceArn: arn, sourceAccount: model.accountId })
          .catch((error: unknown) => logger.warn('Scheduled invocation failed', { rule: name, error: String(error) }));
      }
    });
    return { physicalId: name, attributes: { Arn: arn }, remove: stop };
  },
};

/** AWS::Scheduler::Schedule: EventBridge Scheduler invokes its target with the schedule's role. */
export const schedulerSchedule: ResourceHandler = {
  create(props, ctx) {
    const name = optionalString(props, 'Name') ?? generatedName(ctx);
    const { model, lambda, logger } = ctx.target;
    const arn = `arn:aws:scheduler:${model.region}:${model.accountId}:schedule/default/${name}`;
    const expression = optionalString(props, 'ScheduleExpression');
    const minutes = expression === undefined ? undefined : rateMinutes(expression);
    if (minutes === undefined || optionalString(props, 'State') === 'DISABLED') return notRun(ctx, expression, name, { Arn: arn });
    const target = record(props['Target']);
    const functionArn = String(target['Arn']);
    const roleName = String(target['RoleArn']).split('/').at(-1) ?? '';
    const stop = every(ctx, minutes, () => {
      try {
        if (!model.iam.trusts(roleName, 'scheduler.amazonaws.com'))
          throw new Error(`role ${roleName} does not trust scheduler.amazonaws.com`);
        model.iam.authorize(model.iam.sessionFor(roleName, name), {
          action: 'lambda:InvokeFunction',
          resources: [functionArn],
          secureTransport: true,
        });
      } catch (error) {
        logger.warn('Scheduled invocation refused', { schedule: name, error: String(error) });
        return;
      }
      const input = optionalString(target, 'Input');
      lambda
        .invokeAsync(functionArn, input === undefined ? {} : (JSON.parse(input) as unknown))
        .catch((error: unknown) => logger.warn('Scheduled invocation failed', { schedule: name, error: String(error) }));
    });
    return { physicalId: name, attributes: { Arn: arn }, remove: stop };
  },
};
