/** ARNs of the modelled resources, as AWS spells them. */
export interface AccountContext {
  accountId: string;
  region: string;
}

export const iotArn = (ctx: AccountContext, resource: string): string => `arn:aws:iot:${ctx.region}:${ctx.accountId}:${resource}`;

export const thingArn = (ctx: AccountContext, thingName: string): string => iotArn(ctx, `thing/${thingName}`);
export const thingGroupArn = (ctx: AccountContext, groupName: string): string => iotArn(ctx, `thinggroup/${groupName}`);
export const certificateArn = (ctx: AccountContext, certificateId: string): string => iotArn(ctx, `cert/${certificateId}`);
export const policyArn = (ctx: AccountContext, policyName: string): string => iotArn(ctx, `policy/${policyName}`);
export const jobArn = (ctx: AccountContext, jobId: string): string => iotArn(ctx, `job/${jobId}`);
export const jobTemplateArn = (ctx: AccountContext, templateId: string): string => iotArn(ctx, `jobtemplate/${templateId}`);

/** The resource name after `<type>/` when `arn` is this account's IoT ARN of that type, else undefined. */
export function parseIotArn(ctx: AccountContext, arn: string, type: string): string | undefined {
  const prefix = iotArn(ctx, `${type}/`);
  if (!arn.startsWith(prefix)) return undefined;
  const name = arn.slice(prefix.length);
  return name.length > 0 && !name.includes('/') ? name : undefined;
}
