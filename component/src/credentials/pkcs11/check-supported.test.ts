import { afterEach, describe, expect, it } from 'vitest';
import type { AlgorithmConfig } from '../../config/algorithms.js';
import { VALID_ALGORITHM_PAIRS } from '../../config/validate.js';
import { createHsmFixture, type HsmFixture } from '../../../test/support/softhsm/hsm-fixture.js';
import { MemoryLogger } from '../../../../shared/test/support/memory-logger.js';
import * as graphene from 'graphene-pk11';
import { Pkcs11CredentialStore } from './pkcs11-credential-store.js';
import type { TokenSession } from './session.js';
import { checkTokenMechanisms } from './token-support.js';
import { parsePkcs11ProviderConfig } from './provider-config.js';

const PATHS = {
  certificateFilePath: 'pkcs11:object=greengrass-core;type=cert',
  privateKeyPath: 'pkcs11:object=greengrass-core;type=private',
};
const P521: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P521', signingAlgorithm: 'ECDSA-WITH-SHA512' };

describe('Pkcs11CredentialStore.checkSupported', () => {
  let fixture: HsmFixture | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
  });

  it('accepts every valid pair but P-521 on a default SoftHSM2 token', async () => {
    fixture = await createHsmFixture();
    const store = fixture.newStore();
    for (const pair of VALID_ALGORITHM_PAIRS.filter((p) => p.keyAlgorithm !== 'ECDSA-P521')) {
      await expect(store.checkSupported(pair), `${pair.keyAlgorithm}/${pair.signingAlgorithm}`).resolves.toBeUndefined();
    }
  });

  it('refuses P-521 because Greengrass (aws-c-io) cannot use it from an HSM, without opening the token', async () => {
    // A library that does not exist proves the refusal comes before any token access.
    const provider = parsePkcs11ProviderConfig({ library: '/nonexistent/libpkcs11.so', slot: 0, userPin: '1234' });
    const store = new Pkcs11CredentialStore({ paths: PATHS, provider, logger: new MemoryLogger() });
    await expect(store.checkSupported(P521)).rejects.toThrow(
      'Key algorithm ECDSA-P521 cannot be used with an HSM: Greengrass (aws-c-io) does not support P-521 keys in PKCS#11 tokens',
    );
    await expect(store.createCsr(P521)).rejects.toThrow(/ECDSA-P521 cannot be used with an HSM/);
  });

  it('refuses a key and signing algorithm of different families', async () => {
    fixture = await createHsmFixture();
    await expect(fixture.newStore().checkSupported({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'ECDSA-WITH-SHA256' })).rejects.toThrow(
      'Key algorithm RSA-2048 and signing algorithm ECDSA-WITH-SHA256 have mismatched types',
    );
  });

  it('refuses EC keys when the token cannot generate them, naming the algorithm and the mechanism', async () => {
    fixture = await createHsmFixture({ disabledMechanisms: ['CKM_EC_KEY_PAIR_GEN'] });
    const store = fixture.newStore();
    await expect(store.checkSupported({ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' })).rejects.toThrow(
      `Key algorithm ECDSA-P256 cannot be used with this HSM: the token in slot ${fixture.token.provider.slot} does not support CKM_EC_KEY_PAIR_GEN for key pair generation`,
    );
    await expect(store.checkSupported({ keyAlgorithm: 'RSA-3072', signingAlgorithm: 'SHA256WITHRSA' })).resolves.toBeUndefined();
  });

  it('refuses a signing algorithm whose mechanism the token lacks', async () => {
    fixture = await createHsmFixture({ disabledMechanisms: ['CKM_SHA384_RSA_PKCS_PSS', 'CKM_ECDSA'] });
    const store = fixture.newStore();
    await expect(store.checkSupported({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA384WITHRSAANDMGF1' })).rejects.toThrow(
      /Signing algorithm SHA384WITHRSAANDMGF1 cannot be used with this HSM: .* does not support CKM_SHA384_RSA_PKCS_PSS for signing/,
    );
    await expect(store.checkSupported({ keyAlgorithm: 'ECDSA-P384', signingAlgorithm: 'ECDSA-WITH-SHA512' })).rejects.toThrow(
      /Signing algorithm ECDSA-WITH-SHA512 .* does not support CKM_ECDSA for signing/,
    );
    await expect(store.checkSupported({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSAANDMGF1' })).resolves.toBeUndefined();
  });

  it('refuses to rotate a key the token will not copy (CKA_COPYABLE false)', async () => {
    fixture = await createHsmFixture({ device: { nonCopyableKey: true } });
    await expect(fixture.newStore().checkSupported({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' })).rejects.toThrow(
      'This HSM cannot rotate credentials: the private key labelled "greengrass-core" is not copyable (CKA_COPYABLE is false)',
    );
  });

  it('refuses when the configured label names no certificate in the token', async () => {
    fixture = await createHsmFixture();
    const store = new Pkcs11CredentialStore({
      paths: { certificateFilePath: 'pkcs11:object=other;type=cert', privateKeyPath: 'pkcs11:object=other;type=private' },
      provider: fixture.token.provider,
      logger: fixture.logger,
    });
    await expect(store.checkSupported({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' })).rejects.toThrow(
      'The token holds no certificate labelled "other"',
    );
  });
});

describe('checkTokenMechanisms key sizes', () => {
  // A token whose mechanism list caps RSA at 2048 bits (SoftHSM cannot be configured so).
  function tokenWith(mechanisms: { type: number; flags: number; minKeySize: number; maxKeySize: number }[]): TokenSession {
    const slot = { getMechanisms: () => ({ length: mechanisms.length, tryGetItem: (i: number) => mechanisms[i] ?? null }) };
    return { slot, session: {}, provider: { library: '/x.so', slot: 3, userPin: '' } } as unknown as TokenSession;
  }
  const token = tokenWith([
    {
      type: graphene.MechanismEnum.RSA_PKCS_KEY_PAIR_GEN,
      flags: graphene.MechanismFlag.GENERATE_KEY_PAIR,
      minKeySize: 1024,
      maxKeySize: 2048,
    },
    { type: graphene.MechanismEnum.SHA256_RSA_PKCS, flags: graphene.MechanismFlag.SIGN, minKeySize: 1024, maxKeySize: 4096 },
    { type: graphene.MechanismEnum.SHA384_RSA_PKCS, flags: graphene.MechanismFlag.VERIFY, minKeySize: 1024, maxKeySize: 4096 },
  ]);

  it('accepts a key size inside the range', () => {
    expect(() => checkTokenMechanisms(token, { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' })).not.toThrow();
  });

  it('refuses a key size outside the range, naming both', () => {
    expect(() => checkTokenMechanisms(token, { keyAlgorithm: 'RSA-3072', signingAlgorithm: 'SHA256WITHRSA' })).toThrow(
      'Key algorithm RSA-3072 cannot be used with this HSM: the token in slot 3 supports CKM_RSA_PKCS_KEY_PAIR_GEN only for 1024 to 2048-bit keys',
    );
  });

  it('refuses a mechanism listed without the flag the rotation needs', () => {
    expect(() => checkTokenMechanisms(token, { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA384WITHRSA' })).toThrow(
      'Signing algorithm SHA384WITHRSA cannot be used with this HSM: the token in slot 3 does not support CKM_SHA384_RSA_PKCS for signing',
    );
  });
});
