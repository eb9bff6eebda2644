import type { FunctionConfiguration } from '../../lambda/lambda-function.js';
import {
  generatedName,
  optionalNumber,
  optionalString,
  record,
  stringProp,
  type ResourceContext,
  type ResourceHandler,
} from '../resource-handler.js';

/** The runtimes the stand-in can run: its own Node.js stands in for Lambda's. */
const RUNS_HERE = /^nodejs\d+\.x$/;

async function configuration(
  props: Record<string, unknown>,
  functionName: string,
  ctx: ResourceContext,
): Promise<Omit<FunctionConfiguration, 'functionArn'>> {
  const code = record(props['Code']);
  const runtime = stringProp(props, 'Runtime', ctx);
  if (!RUNS_HERE.test(runtime)) {
    ctx.target.logger.warn('Lambda runtime not run by the stand-in: invocations will fail', { function: functionName, runtime });
  }
  const inline = optionalString(code, 'ZipFile');
  const codeDirectory =
    inline !== undefined
      ? await ctx.target.lambda.writeInlineCode(functionName, inline)
      : ctx.target.code(stringProp(code, 'S3Bucket', ctx), stringProp(code, 'S3Key', ctx));
  const logging = record(props['LoggingConfig']);
  const logFormat = optionalString(logging, 'LogFormat');
  const applicationLogLevel = optionalString(logging, 'ApplicationLogLevel');
  const description = optionalString(props, 'Description');
  return {
    functionName,
    handler: stringProp(props, 'Handler', ctx),
    runtime,
    codeDirectory,
    roleArn: stringProp(props, 'Role', ctx),
    environment: Object.fromEntries(Object.entries(record(record(props['Environment'])['Variables'])).map(([k, v]) => [k, String(v)])),
    // CloudFormation's defaults when the template sets none.
    timeoutSeconds: optionalNumber(props, 'Timeout') ?? 3,
    memoryMb: optionalNumber(props, 'MemorySize') ?? 128,
    logGroupName: optionalString(logging, 'LogGroup') ?? `/aws/lambda/${functionName}`,
    ...(logFormat === 'JSON' || logFormat === 'Text' ? { logFormat } : {}),
    ...(applicationLogLevel === undefined ? {} : { applicationLogLevel }),
    ...(description === undefined ? {} : { description }),
  };
}

/** ReservedConcurrentExecutions, as PutFunctionConcurrency sets it; absent: the account's unreserved pool. */
function applyReservedConcurrency(props: Record<string, unknown>, functionName: string, ctx: ResourceContext): void {
  const reserved = optionalNumber(props, 'ReservedConcurrentExecutions');
  if (reserved === undefined) ctx.target.lambda.deleteFunctionConcurrency(functionName);
  else ctx.target.lambda.putFunctionConcurrency(functionName, reserved);
}

export const lambdaFunction: ResourceHandler = {
  async create(props, ctx) {
    const functionName = optionalString(props, 'FunctionName') ?? generatedName(ctx);
    const created = ctx.target.lambda.createFunction(await configuration(props, functionName, ctx));
    applyReservedConcurrency(props, functionName, ctx);
    return {
      physicalId: functionName,
      attributes: { Arn: created.functionArn },
      remove: () => ctx.target.lambda.deleteFunction(functionName),
    };
  },
  async update(current, props, ctx) {
    if (optionalString(props, 'FunctionName') !== optionalString(current.properties, 'FunctionName')) {
      throw new Error(`${ctx.logicalId}: renaming a function needs a replacement, which the stand-in does not do`);
    }
    const { functionName: _same, ...changes } = await configuration(props, current.physicalId, ctx);
    ctx.target.lambda.updateFunctionConfiguration(current.physicalId, changes);
    applyReservedConcurrency(props, current.physicalId, ctx);
    return { physicalId: current.physicalId, attributes: current.attributes, ...(current.remove ? { remove: current.remove } : {}) };
  },
};

export const eventInvokeConfig: ResourceHandler = {
  create(props, ctx) {
    const functionName = stringProp(props, 'FunctionName', ctx);
    const age = optionalNumber(props, 'MaximumEventAgeInSeconds');
    const retries = optionalNumber(props, 'MaximumRetryAttempts');
    ctx.target.lambda.putFunctionEventInvokeConfig(functionName, {
      ...(age === undefined ? {} : { maximumEventAgeSeconds: age }),
      ...(retries === undefined ? {} : { maximumRetryAttempts: retries }),
    });
    return { physicalId: generatedName(ctx), attributes: {} };
  },
};

export const lambdaPermission: ResourceHandler = {
  create(props, ctx) {
    const statementId = generatedName(ctx, 100);
    const sourceArn = optionalString(props, 'SourceArn');
    const sourceAccount = optionalString(props, 'SourceAccount');
    ctx.target.lambda.addPermission(stringProp(props, 'FunctionName', ctx), {
      statementId,
      action: stringProp(props, 'Action', ctx),
      principal: stringProp(props, 'Principal', ctx),
      ...(sourceArn === undefined ? {} : { sourceArn }),
      ...(sourceAccount === undefined ? {} : { sourceAccount }),
    });
    return { physicalId: statementId, attributes: {} };
  },
};

export const logGroup: ResourceHandler = {
  create(props, ctx) {
    const name = optionalString(props, 'LogGroupName') ?? generatedName(ctx, 512);
    ctx.target.lambda.logs.createLogGroup(name);
    const { region, accountId } = ctx.target.model;
    return { physicalId: name, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` } };
  },
  update(current) {
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
};
