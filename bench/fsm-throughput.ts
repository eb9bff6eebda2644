import { createKeyAndCsr } from '../component/src/crypto/csr.js';
import { Name } from '../component/src/crypto/x509.js';
import { rotationLives, replay } from './fsm-sequence.js';
import { elapsedMs, summarize } from './stats.js';
import type { Benchmark, BenchContext, BenchResult } from './types.js';

const ROUNDS = { full: 7, quick: 3 };
const ROUND_MS = { full: 1000, quick: 200 };

async function run(context: BenchContext): Promise<BenchResult> {
  const mode = context.quick ? 'quick' : 'full';
  const subject = new Uint8Array(new Name('CN=GreengrassCore-bench').toArrayBuffer());
  // Real PEM sizes: the CSR and certificate end up JSON-encoded in the publish actions.
  const { csrPem } = await createKeyAndCsr(subject, { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(64).concat('\n').repeat(18)}-----END CERTIFICATE-----\n`;
  const lives = rotationLives(csrPem, certificatePem);
  const perRotation = replay(lives, 'GreengrassCore-bench');
  // Warm-up so the JIT has settled before anything is timed.
  for (let i = 0; i < 2000; i++) replay(lives, 'GreengrassCore-bench');

  const rates: number[] = [];
  for (let round = 0; round < ROUNDS[mode]; round++) {
    context.progress(`fsm-throughput: round ${round + 1}/${ROUNDS[mode]}`);
    const start = process.hrtime.bigint();
    let transitions = 0;
    let elapsed = 0;
    // Check the clock only every 100 rotations: reading it costs about as much as a transition.
    while (elapsed < ROUND_MS[mode]) {
      for (let i = 0; i < 100; i++) transitions += replay(lives, 'GreengrassCore-bench');
      elapsed = elapsedMs(start);
    }
    rates.push(transitions / (elapsed / 1000));
  }
  const rate = summarize(rates);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  return {
    name: 'fsm-throughput',
    tables: [
      {
        title: 'Pure transition function over one full rotation',
        columns: ['transitions/rotation', 'transitions/s (median)', 'min', 'max', 'rotations/s (median)', 'µs/transition'],
        rows: [
          [perRotation, fmt(rate.median), fmt(rate.min), fmt(rate.max), fmt(rate.median / perRotation), (1e6 / rate.median).toFixed(3)],
        ],
        notes: [`${rate.n} rounds of ${ROUND_MS[mode]} ms; two component lives (create + install, restart, commit), fact answers included`],
      },
    ],
    data: { transitionsPerRotation: perRotation, transitionsPerSecond: rate, rotationsPerSecondMedian: rate.median / perRotation },
    alerts: [],
  };
}

export const fsmThroughput: Benchmark = {
  name: 'fsm-throughput',
  description: 'transitions per second of the pure transition function over a full rotation',
  run,
};
