import { generatedName, optionalString, type ResourceContext, type ResourceHandler } from '../resource-handler.js';

/**
 * CloudWatch alarms and dashboards are kept as declared, with the names and ARNs CloudFormation
 * gives them, so that what refers to them resolves; the stand-in has no metrics, so an alarm
 * never changes state and a dashboard shows nothing.
 */
function named(props: Record<string, unknown>, property: string, ctx: ResourceContext): string {
  return optionalString(props, property) ?? generatedName(ctx, 255);
}

export const cloudWatchAlarm: ResourceHandler = {
  create(props, ctx) {
    const name = named(props, 'AlarmName', ctx);
    const { region, accountId } = ctx.target.model;
    return { physicalId: name, attributes: { Arn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}` } };
  },
  update(current, props, ctx) {
    const name = optionalString(props, 'AlarmName');
    if (name !== undefined && name !== current.physicalId) {
      throw new Error(`${ctx.logicalId}: renaming an alarm needs a replacement, which the stand-in does not do`);
    }
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
};

export const cloudWatchDashboard: ResourceHandler = {
  create(props, ctx) {
    return { physicalId: named(props, 'DashboardName', ctx), attributes: {} };
  },
  update(current, props, ctx) {
    const name = optionalString(props, 'DashboardName');
    if (name !== undefined && name !== current.physicalId) {
      throw new Error(`${ctx.logicalId}: renaming a dashboard needs a replacement, which the stand-in does not do`);
    }
    return { physicalId: current.physicalId, attributes: {} };
  },
};
