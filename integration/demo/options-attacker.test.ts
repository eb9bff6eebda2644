import { describe, expect, it } from 'vitest';
import { parseDemoOptions } from './options.js';
import { countOutcomes } from './summary.js';

describe('demo --attacker', () => {
  it('is off unless asked for', () => {
    expect(parseDemoOptions([]).attacker).toBe(false);
    expect(parseDemoOptions(['--attacker', '--devices', '5']).attacker).toBe(true);
  });

  it('counts certificates on the fleet beyond one a thing', () => {
    const outcome = (attached: number) => ({
      thingName: 't',
      initialCertificateId: 'a',
      attached: Array.from({ length: attached }, (_, i) => ({ certificateId: String(i), status: 'ACTIVE' })),
      connects: true,
      initialCertificateDeleted: true,
      bricked: false,
      reasons: [],
      registryInconsistent: attached !== 1,
      registryProblems: [],
      awaitingNextRotation: false,
    });
    expect(countOutcomes(['SUCCEEDED', 'SUCCEEDED', 'FAILED'], [outcome(1), outcome(3), outcome(2)]).extraCertificates).toBe(3);
  });
});
