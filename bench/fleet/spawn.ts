import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fleetResultSchema, type FleetResult, type FleetSpec } from './result.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * Runs one fleet rotation in a fresh Node.js process (with this process's loader flags, so
 * TypeScript runs as it does here); its stderr passes through as progress.
 */
export async function runFleetInChild(spec: FleetSpec): Promise<FleetResult> {
  const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`fleet run of ${spec.devices} ${spec.keyAlgorithm} cores exited with ${code}`);
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  const parsed = fleetResultSchema.safeParse(JSON.parse(last));
  if (!parsed.success) throw new Error(`fleet run answered an unexpected result: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
