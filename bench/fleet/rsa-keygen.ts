import { createKeyAndCsr } from '../../component/src/crypto/csr.js';
import { Name } from '../../component/src/crypto/x509.js';
import type { BenchTable } from '../types.js';
import type { FleetResult } from './result.js';

/** Milliseconds to create `count` RSA-2048 keys and CSRs one after another, as the cores' component does. */
export async function rsaKeygenMs(count: number): Promise<number> {
  const subject = new Uint8Array(new Name('CN=GreengrassCore-bench').toArrayBuffer());
  const started = performance.now();
  for (let i = 0; i < count; i++) await createKeyAndCsr(subject, { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' });
  return performance.now() - started;
}

export function rsaTable(keys: number, keygenMs: number, fleet: FleetResult | undefined): BenchTable {
  return {
    title: 'RSA-2048 fleet against generating its keys',
    columns: ['keys', 'keygen + CSR s', 'fleet wall s', 'fleet / keygen'],
    rows: [
      [
        keys,
        (keygenMs / 1000).toFixed(1),
        fleet ? (fleet.wallMs / 1000).toFixed(1) : '-',
        fleet ? (fleet.wallMs / keygenMs).toFixed(2) : '-',
      ],
    ],
    notes: ['keygen: one after another in the benchmark process, after the fleet runs; the fleet runs with quotas off'],
  };
}
