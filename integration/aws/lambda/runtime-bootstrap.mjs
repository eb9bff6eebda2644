// One Lambda execution environment, as the Node.js managed runtime runs a function: the handler
// module named by _HANDLER is loaded from LAMBDA_TASK_ROOT once (the init phase), then invocations
// arrive one at a time. Plain JavaScript so that it starts on Node without a loader. The stand-in
// talks to it over Node's IPC channel in place of the Lambda Runtime API.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const send = (message) => process.send?.(message);

// Written to stdout and stderr before an invocation's result is sent, so that the stand-in logs
// everything the invocation wrote before its END line, as Lambda does; pipes are written
// synchronously on Linux, so the marker follows the invocation's own output in each pipe.
const OUTPUT_END = '\u0000invocation-output-end ';
const endOutput = (id) => {
  process.stdout.write(`${OUTPUT_END}${id}\n`);
  process.stderr.write(`${OUTPUT_END}${id}\n`);
};
const sendResult = (result) => {
  endOutput(result.id);
  send({ type: 'result', ...result });
};

function describe(error, fallbackType) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : fallbackType,
      errorMessage: error.message,
      trace: String(error.stack ?? '').split('\n'),
    };
  }
  return { errorType: fallbackType, errorMessage: String(error), trace: [] };
}

async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  const dot = spec.lastIndexOf('.');
  const moduleName = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  const root = process.env.LAMBDA_TASK_ROOT ?? '.';
  const file = ['.mjs', '.js', '.cjs'].map((ext) => path.join(root, `${moduleName}${ext}`)).find((f) => existsSync(f));
  if (dot <= 0 || file === undefined) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}'`), { name: 'Runtime.ImportModuleError' });
  }
  const loaded = await import(pathToFileURL(file).href);
  const handler = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler;
}

/** A callback-style handler (event, context, callback) as a promise. */
function run(handler, event, context) {
  if (handler.length < 3) return Promise.resolve(handler(event, context));
  return new Promise((resolve, reject) => {
    const result = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
    if (result && typeof result.then === 'function') result.then(resolve, reject);
  });
}

let current;
const failInvocation = (error, type) => {
  if (current !== undefined) sendResult({ id: current, ok: false, error: describe(error, type) });
  // As Lambda does after an uncaught error: this environment is not used again.
  process.exit(1);
};
process.on('uncaughtException', (error) => failInvocation(error, 'Runtime.UncaughtException'));
process.on('unhandledRejection', (reason) => failInvocation(reason, 'Runtime.UnhandledPromiseRejection'));
// The stand-in went away: nothing will ever invoke this environment again.
process.on('disconnect', () => process.exit(0));

let handler;
try {
  handler = await loadHandler();
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'init-error', error: describe(error, 'Runtime.ImportModuleError') });
  process.exit(1);
}

process.on('message', (message) => {
  if (message?.type !== 'invoke') return;
  current = message.id;
  const context = {
    awsRequestId: message.requestId,
    invokedFunctionArn: message.functionArn,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  run(handler, message.event, context).then(
    (value) => sendResult({ id: message.id, ok: true, value: value === undefined ? null : value }),
    (error) => sendResult({ id: message.id, ok: false, error: describe(error, 'Error') }),
  );
});
