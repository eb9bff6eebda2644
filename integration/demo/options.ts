import { parseArgs } from 'node:util';
import { z } from 'zod';
import { KEY_ALGORITHMS, SIGNING_ALGORITHMS } from '../../component/src/config/algorithms.js';
import { validateAlgorithmConfig } from '../../component/src/config/validate.js';
import { P521_WITH_HSM_MESSAGE } from '../../component/src/credentials/pkcs11/index.js';

/** Above this many cores the demo runs them inline: each process-mode core is a Node.js process. */
export const PROCESS_MODE_LIMIT = 10;

/**
 * Sped-up component timeouts leave less room for a busy machine: with 3 s instead of 30 s, a few
 * hundred cores sharing two CPU cores start missing replies. Larger fleets run closer to real time.
 */
export const LARGE_FLEET = 50;

export function defaultTimeScale(devices: number): number {
  return devices <= LARGE_FLEET ? 10 : 3;
}

export const DEMO_USAGE = `Usage: npm run demo -- [options]

Rotates the certificates of a simulated fleet of Greengrass cores through the local AWS IoT
stand-in, with the real component and the real backend Lambda code.

Options:
  --devices N              number of simulated cores (default 10)
  --key-algorithm ALG      ${KEY_ALGORITHMS.join(' | ')} (default RSA-2048)
  --signing-algorithm ALG  ${SIGNING_ALGORITHMS.join(' | ')}
                           (default SHA256WITHRSA)
  --issuer iot|pca         who issues the new certificates: AWS IoT Core or AWS Private CA (default iot)
  --hsm                    keep each core's key in its own SoftHSM2 token (PKCS#11); the cores run inline
                           unless --nucleus process is given
  --nucleus process|inline process: a Greengrass nucleus stand-in per core deploys the built component
                           (npm run build; built on demand) and runs it as a process over Greengrass IPC;
                           inline: every core runs the component code in this process over direct MQTT
                           (default: process up to ${PROCESS_MODE_LIMIT} cores, inline above)
  --time-scale N           inline: run the component's timeouts and AWS IoT's job minutes N times faster;
                           process: the component keeps its real 30 s timeouts and job minutes run at
                           most 2 times faster (default 10 up to ${LARGE_FLEET} cores, 3 above)
  --attacker               add a thing that attacks the rotation while it runs (floods, requests on other
                           things' topics, replays, double creates); the summary counts its dropped requests
  --keep                   keep the demo's working directory (under .demo/) for inspection
  --json                   print the summary as one JSON object on the last line
  --help                   show this help
`;

const optionsSchema = z.object({
  devices: z.coerce.number().int('--devices must be a whole number').min(1, '--devices must be at least 1').max(5000, '--devices must be at most 5000'),
  'key-algorithm': z.enum(KEY_ALGORITHMS, { error: `--key-algorithm must be one of ${KEY_ALGORITHMS.join(', ')}` }),
  'signing-algorithm': z.enum(SIGNING_ALGORITHMS, { error: `--signing-algorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}` }),
  issuer: z.enum(['iot', 'pca'], { error: '--issuer must be iot or pca' }),
  nucleus: z.enum(['process', 'inline'], { error: '--nucleus must be process or inline' }).optional(),
  'time-scale': z.coerce.number().min(1, '--time-scale must be at least 1').max(100, '--time-scale must be at most 100').optional(),
  hsm: z.boolean(),
  attacker: z.boolean(),
  keep: z.boolean(),
  json: z.boolean(),
  help: z.boolean(),
});

export interface DemoOptions {
  devices: number;
  keyAlgorithm: (typeof KEY_ALGORITHMS)[number];
  signingAlgorithm: (typeof SIGNING_ALGORITHMS)[number];
  issuer: 'iot' | 'pca';
  nucleus: 'process' | 'inline';
  timeScale: number;
  hsm: boolean;
  attacker: boolean;
  keep: boolean;
  json: boolean;
  help: boolean;
}

/** Parses the demo's command line; throws an Error whose message names the bad option. */
export function parseDemoOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      devices: { type: 'string', default: '10' },
      'key-algorithm': { type: 'string', default: 'RSA-2048' },
      'signing-algorithm': { type: 'string', default: 'SHA256WITHRSA' },
      issuer: { type: 'string', default: 'iot' },
      nucleus: { type: 'string' },
      'time-scale': { type: 'string' },
      hsm: { type: 'boolean', default: false },
      attacker: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const o = parsed.data;
  const algorithms = validateAlgorithmConfig({ keyAlgorithm: o['key-algorithm'], signingAlgorithm: o['signing-algorithm'] });
  if (!algorithms.valid) throw new Error(algorithms.message);
  // Refused up front with the store's own words: every HSM core would fail the job otherwise.
  if (o.hsm && o['key-algorithm'] === 'ECDSA-P521') throw new Error(P521_WITH_HSM_MESSAGE);
  return {
    devices: o.devices,
    keyAlgorithm: o['key-algorithm'],
    signingAlgorithm: o['signing-algorithm'],
    issuer: o.issuer,
    // HSM cores default to inline: process mode adds a Node.js process per core for the same check.
    nucleus: o.nucleus ?? (o.hsm || o.devices > PROCESS_MODE_LIMIT ? 'inline' : 'process'),
    timeScale: o['time-scale'] ?? defaultTimeScale(o.devices),
    hsm: o.hsm,
    attacker: o.attacker,
    keep: o.keep,
    json: o.json,
    help: o.help,
  };
}
