import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fleetResultSchema, type FleetResult, type FleetSpec } from './result.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * The AWS SDK's warning that its 50-socket pool is full, and its two advice lines. The in-process
 * handlers share one client per service, unlike Lambda instances, so a big fleet fills the pool:
 * that is counted and reported instead of flooding the output.
 */
const SOCKET_WARNING = /^@smithy\/node-http-handler:WARN - socket usage at capacity/;
const SOCKET_ADVICE =
  /^(See https:\/\/docs\.aws\.amazon\.com\/sdk-for-javascript\/v3\/developer-guide\/node-configuring-maxsockets|or increase socketAcquisitionWarningTimeout)/;

export interface ChildFleetRun {
  result: FleetResult;
  sdkSocketPoolWarnings: number;
}

/**
 * Runs one fleet rotation in a fresh Node.js process (with this process's loader flags, so
 * TypeScript runs as it does here); its stderr passes through as progress.
 */
export async function runFleetInChild(spec: FleetSpec): Promise<ChildFleetRun> {
  const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stdout = '';
  let sdkSocketPoolWarnings = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (SOCKET_WARNING.test(line)) sdkSocketPoolWarnings += 1;
    else if (!SOCKET_ADVICE.test(line)) process.stderr.write(`${line}\n`);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`fleet run of ${spec.devices} ${spec.keyAlgorithm} cores exited with ${code}`);
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  const parsed = fleetResultSchema.safeParse(JSON.parse(last));
  if (!parsed.success)
    throw new Error(
      `fleet run answered an unexpected result: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { result: parsed.data, sdkSocketPoolWarnings };
}
