// Reports what a function sees of its environment and context.
export const handler = async (event, context) => ({
  env: Object.fromEntries((event.names ?? []).map((name) => [name, process.env[name] ?? null])),
  remainingMs: context.getRemainingTimeInMillis(),
  functionName: context.functionName,
  requestId: context.awsRequestId,
  execArgv: process.execArgv,
  pid: process.pid,
});
