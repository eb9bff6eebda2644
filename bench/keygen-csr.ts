import type { AlgorithmConfig, KeyAlgorithm } from '../component/src/config/algorithms.js';
import { VALID_ALGORITHM_PAIRS } from '../component/src/config/validate.js';
import { createKeyAndCsr } from '../component/src/crypto/csr.js';
import { Name } from '../component/src/crypto/x509.js';
import { ms } from './report.js';
import { summarize, timeMs, type Summary } from './stats.js';
import type { Benchmark, BenchContext, BenchResult } from './types.js';

/** Runs per pair: RSA key generation is slow and its time varies a lot, so fewer of those. */
const RUNS: Record<'full' | 'quick', Record<KeyAlgorithm, number>> = {
  full: { 'RSA-2048': 8, 'RSA-3072': 3, 'ECDSA-P256': 30, 'ECDSA-P384': 30, 'ECDSA-P521': 20 },
  quick: { 'RSA-2048': 2, 'RSA-3072': 1, 'ECDSA-P256': 5, 'ECDSA-P384': 5, 'ECDSA-P521': 5 },
};

export interface KeygenCsrFigure extends AlgorithmConfig {
  ms: Summary;
}

async function measurePair(subject: Uint8Array, pair: AlgorithmConfig, runs: number): Promise<KeygenCsrFigure> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push((await timeMs(() => createKeyAndCsr(subject, pair))).ms);
  return { ...pair, ms: summarize(samples) };
}

async function run(context: BenchContext): Promise<BenchResult> {
  const runs = RUNS[context.quick ? 'quick' : 'full'];
  const subject = new Uint8Array(new Name('CN=GreengrassCore-bench').toArrayBuffer());
  // One untimed run loads and compiles the CSR path, so the first pair is not charged for it.
  await createKeyAndCsr(subject, { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
  const figures: KeygenCsrFigure[] = [];
  for (const pair of VALID_ALGORITHM_PAIRS) {
    context.progress(`keygen-csr: ${pair.keyAlgorithm} / ${pair.signingAlgorithm} x${runs[pair.keyAlgorithm]}`);
    figures.push(await measurePair(subject, pair, runs[pair.keyAlgorithm]));
  }
  return {
    name: 'keygen-csr',
    tables: [
      {
        title: 'Key generation + CSR (createKeyAndCsr), ms',
        columns: ['key', 'signing', 'runs', 'median', 'min', 'max'],
        rows: figures.map((f) => [f.keyAlgorithm, f.signingAlgorithm, f.ms.n, ms(f.ms.median), ms(f.ms.min), ms(f.ms.max)]),
        notes: ['in memory (file credential store path); includes the CSR self-signature check'],
      },
    ],
    data: figures,
    alerts: [],
  };
}

export const keygenCsr: Benchmark = {
  name: 'keygen-csr',
  description: 'key generation + CSR for every valid key/signing pair',
  run,
};
