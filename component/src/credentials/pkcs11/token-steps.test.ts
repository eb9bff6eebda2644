import type * as graphene from 'graphene-pk11';
import { describe, expect, it } from 'vitest';
import { baseIdOf, derivedId, ID_SUFFIX, objectLabels } from './token-objects.js';
import { deleteBackupSteps, rollbackSteps, rotationSteps, runSteps, type TokenStep } from './token-steps.js';

const LABELS = objectLabels('core');

describe('token step sequences', () => {
  it('rotate follows the original order: clear backups, back up, swap the certificate, then the key', () => {
    expect(rotationSteps(LABELS, Buffer.alloc(0)).map((s) => s.name)).toEqual([
      'destroy certificate "core.bak"',
      'destroy private key "core.bak"',
      'copy certificate "core" to "core.bak"',
      'copy private key "core" to "core.bak"',
      'destroy certificate "core"',
      'create certificate "core"',
      'destroy private key "core"',
      'copy private key "core.pending" to "core"',
      'destroy private key "core.pending"',
    ]);
  });

  it('roll-back clears the label, restores both backups, then deletes the certificate backup first', () => {
    expect(rollbackSteps(LABELS).map((s) => s.name)).toEqual([
      'destroy certificate "core"',
      'destroy private key "core"',
      'copy certificate "core.bak" to "core"',
      'copy private key "core.bak" to "core"',
      'destroy certificate "core.bak"',
      'destroy private key "core.bak"',
    ]);
    expect(deleteBackupSteps(LABELS).map((s) => s.name)).toEqual(['destroy certificate "core.bak"', 'destroy private key "core.bak"']);
  });

  it('derives ids as the original does (id * 256 + suffix, one byte longer) and can undo it', () => {
    const id = Buffer.from([0xde, 0xad]);
    expect(derivedId(id, ID_SUFFIX.pending)).toEqual(Buffer.from([0xde, 0xad, 0x01]));
    expect(derivedId(id, ID_SUFFIX.backup)).toEqual(Buffer.from([0xde, 0xad, 0x02]));
    expect(baseIdOf(derivedId(id, ID_SUFFIX.backup))).toEqual(id);
    expect(derivedId(Buffer.alloc(0), ID_SUFFIX.backup)).toEqual(Buffer.from([0x02]));
  });

  it('stops at the first failing step and names it with the PKCS#11 return code', () => {
    const ran: string[] = [];
    const step = (name: string, fail = false): TokenStep => ({
      name,
      run: () => {
        if (fail) throw new Error('Error: CKR_FUNCTION_NOT_SUPPORTED:84\n    at native');
        ran.push(name);
      },
    });
    const session = {} as graphene.Session;
    expect(() => runSteps(session, [step('first'), step('copy x', true), step('third')])).toThrow(
      'PKCS#11 step "copy x" failed: CKR_FUNCTION_NOT_SUPPORTED',
    );
    expect(ran).toEqual(['first']);
  });
});
