import { z } from 'zod';
import { KEY_ALGORITHMS, SIGNING_ALGORITHMS } from '../../component/src/config/algorithms.js';
import { keyFamily, signingAlgorithmsFor, validateAlgorithmConfig } from '../../component/src/config/validate.js';
import { P521_WITH_HSM_MESSAGE } from '../../component/src/credentials/pkcs11/index.js';
import { UsageError, choiceFlag, numberFlag, numberRange, oneOf, parseFlags, readCommandLine } from '../../shared/cli/command-line.js';

/** Above this many cores the demo runs them inline: each process-mode core is a Node.js process. */
export const PROCESS_MODE_LIMIT = 10;

export const MAX_DEVICES = 5000;

/**
 * AWS minutes (the job's rollout windows and its 5-minute in-progress timeout) run this many
 * times faster by default. At 2 the in-progress timeout is 150 s: more than the component's four
 * 30 s steps of one rotation, so the job never cuts short a rotation that a device would finish.
 */
export const DEFAULT_MINUTE_SCALE = 2;
export const MAX_MINUTE_SCALE = 60;
export const MAX_TIMER_SCALE = 100;
/** AWS IoT's limit for a job's maximumPerMinute. */
export const MAX_ROLLOUT = 1000;

const NUCLEUS_MODES = ['process', 'inline'] as const;
const ISSUERS = ['iot', 'pca'] as const;

export const DEMO_USAGE = `Usage: npm run demo -- [options]

Rotates the certificates of a simulated fleet of Greengrass cores through the local AWS IoT
stand-in, with the real component and the real backend Lambda code.

Options:
  --devices N              number of simulated cores, 1 to ${MAX_DEVICES} (default 10)
  --key-algorithm ALG      ${KEY_ALGORITHMS.join(' | ')} (default RSA-2048)
  --signing-algorithm ALG  ${SIGNING_ALGORITHMS.join(' | ')}
                           (default SHA256WITHRSA for an RSA key, ECDSA-WITH-SHA256 for an EC key)
  --issuer iot|pca         who issues the new certificates: AWS IoT Core or AWS Private CA (default iot)
  --hsm                    keep each core's key in its own SoftHSM2 token (PKCS#11); the cores run inline
                           unless --nucleus process is given
  --nucleus process|inline process: a Greengrass nucleus stand-in per core deploys the built component
                           (npm run build; built on demand) and runs it as a process over Greengrass IPC;
                           inline: every core runs the component code in this process over direct MQTT
                           (default: process up to ${PROCESS_MODE_LIMIT} cores, inline above)
  --minute-scale N         AWS minutes (the job's rollout windows and 5-minute in-progress timeout) run
                           N times faster, 1 to ${MAX_MINUTE_SCALE} (default ${DEFAULT_MINUTE_SCALE}); above 2 the in-progress timeout
                           can end a slow rotation that a device would still finish
  --rollout N              cores the job notifies per AWS minute, 1 to ${MAX_ROLLOUT} (default: paced to this
                           machine from how fast it provisioned the cores, at most the template's 100)
  --experimental-timer-scale N
                           for experiments only, inline cores only: the component's own timeouts (30 s
                           per step, 10 s subscribe retry) run N times faster, 1 to ${MAX_TIMER_SCALE} (default 1);
                           a busy machine then fails rotations that a device would finish
  --expiring N             give N of the cores certificates that expire within 30 days, and let the rotation
                           scheduler (one run) start their rotation instead of a job for every core
  --attacker               add a thing that attacks the rotation while it runs (floods, requests on other
                           things' topics, replays, double creates); the summary counts its dropped requests
  --keep                   keep the demo's working directory (under .demo/) for inspection
  --json                   print only the summary, as one JSON object, on stdout
                           (npm run -s demo -- --json | jq .succeeded)
  --help                   show this help
`;

export const DEMO_FLAGS = {
  devices: { type: 'string', default: '10', accepts: numberRange(1, MAX_DEVICES, { whole: true }) },
  'key-algorithm': { type: 'string', default: 'RSA-2048', accepts: oneOf(KEY_ALGORITHMS) },
  'signing-algorithm': { type: 'string', accepts: oneOf(SIGNING_ALGORITHMS) },
  issuer: { type: 'string', default: 'iot', accepts: oneOf(ISSUERS) },
  nucleus: { type: 'string', accepts: oneOf(NUCLEUS_MODES) },
  'minute-scale': { type: 'string', default: String(DEFAULT_MINUTE_SCALE), accepts: numberRange(1, MAX_MINUTE_SCALE) },
  rollout: { type: 'string', accepts: numberRange(1, MAX_ROLLOUT, { whole: true }) },
  'experimental-timer-scale': { type: 'string', default: '1', accepts: numberRange(1, MAX_TIMER_SCALE) },
  expiring: { type: 'string', accepts: numberRange(0, MAX_DEVICES, { whole: true }) },
  hsm: { type: 'boolean', default: false },
  attacker: { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/** The flag that sped up both clocks at once; its two halves are separate flags now. */
const RETIRED = {
  'time-scale':
    "--minute-scale N speeds up AWS minutes; --experimental-timer-scale N shortens the component's own timeouts (experiments only)",
};

const optionsSchema = z.object({
  devices: numberFlag('--devices', 1, MAX_DEVICES, { whole: true }),
  'key-algorithm': choiceFlag('--key-algorithm', KEY_ALGORITHMS),
  'signing-algorithm': choiceFlag('--signing-algorithm', SIGNING_ALGORITHMS).optional(),
  issuer: choiceFlag('--issuer', ISSUERS),
  nucleus: choiceFlag('--nucleus', NUCLEUS_MODES).optional(),
  'minute-scale': numberFlag('--minute-scale', 1, MAX_MINUTE_SCALE),
  rollout: numberFlag('--rollout', 1, MAX_ROLLOUT, { whole: true }).optional(),
  'experimental-timer-scale': numberFlag('--experimental-timer-scale', 1, MAX_TIMER_SCALE),
  expiring: numberFlag('--expiring', 0, MAX_DEVICES, { whole: true }).optional(),
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
  /** How many times faster than real time AWS minutes run. */
  minuteScale: number;
  /** Cores the job notifies per AWS minute; undefined: paced to the machine. */
  rollout?: number;
  /** How many times faster than real time the component's own timers run (1 unless experimenting). */
  componentTimerScale: number;
  /** Cores whose certificate is due, rotated by the scheduler; undefined: one job for every core. */
  expiring?: number;
  hsm: boolean;
  attacker: boolean;
  keep: boolean;
  json: boolean;
  help: boolean;
}

/** Parses the demo's command line; throws a UsageError whose one line names the bad option. */
export function parseDemoOptions(argv: string[]): DemoOptions {
  const { values } = readCommandLine(argv, DEMO_FLAGS, { retired: RETIRED });
  const o = parseFlags(optionsSchema, values);
  const keyAlgorithm = o['key-algorithm'];
  // The SHA-256 algorithm of the key's family, unless one is asked for.
  const signingAlgorithm = o['signing-algorithm'] ?? (keyFamily(keyAlgorithm) === 'EC' ? 'ECDSA-WITH-SHA256' : 'SHA256WITHRSA');
  if (!validateAlgorithmConfig({ keyAlgorithm, signingAlgorithm }).valid) {
    const suitable = oneOf(signingAlgorithmsFor(keyAlgorithm));
    throw new UsageError(`--signing-algorithm ${signingAlgorithm} does not suit --key-algorithm ${keyAlgorithm}: give ${suitable}`);
  }
  if (o.expiring !== undefined && o.expiring > o.devices)
    throw new UsageError(`--expiring must be at most --devices (${o.devices}) (got "${o.expiring}")`);
  // Refused up front with the store's own words: every HSM core would fail the job otherwise.
  if (o.hsm && o['key-algorithm'] === 'ECDSA-P521') throw new UsageError(`--hsm: ${P521_WITH_HSM_MESSAGE}`);
  // HSM cores default to inline: process mode adds a Node.js process per core for the same check.
  const nucleus = o.nucleus ?? (o.hsm || o.devices > PROCESS_MODE_LIMIT ? 'inline' : 'process');
  const componentTimerScale = o['experimental-timer-scale'];
  if (componentTimerScale !== 1 && nucleus === 'process') {
    throw new UsageError(
      '--experimental-timer-scale works on inline cores only: a process-mode core runs the built component with its real timeouts (add --nucleus inline)',
    );
  }
  return {
    devices: o.devices,
    keyAlgorithm,
    signingAlgorithm,
    issuer: o.issuer,
    nucleus,
    minuteScale: o['minute-scale'],
    ...(o.rollout === undefined ? {} : { rollout: o.rollout }),
    componentTimerScale,
    ...(o.expiring === undefined ? {} : { expiring: o.expiring }),
    hsm: o.hsm,
    attacker: o.attacker,
    keep: o.keep,
    json: o.json,
    help: o.help,
  };
}
