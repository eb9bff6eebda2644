import { DescribeCertificateAuthorityCommand } from '@aws-sdk/client-acm-pca';
import { ListThingsInThingGroupCommand } from '@aws-sdk/client-iot';
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, CA_ARN, CA_ID, CONFIG, DATA_ENDPOINT, GROUP, stubAccount } from './aws-sdk-stubs.js';
import { createAwsTarget, CREATE_FUNCTION_NAME, JOB_TEMPLATE_ID } from './aws-target.js';
import type { RotationTarget } from './target.js';

describe('createAwsTarget', () => {
  const { iot, lambda, pca, sts, sleeps, sleep, reset } = stubAccount();
  let target: RotationTarget | undefined;

  beforeEach(() => reset());
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('describes the account: data endpoint, group, template and timeouts', async () => {
    target = await createAwsTarget({ ...CONFIG, jobTimeoutMinutes: 30 }, { sleep });
    expect(target).toMatchObject({
      thingGroupName: GROUP,
      jobTemplateId: JOB_TEMPLATE_ID,
      jobTimeoutMs: 30 * 60_000,
      cleanupTimeoutMs: 120_000,
      pollIntervalMs: 5_000,
    });
    expect(await target.iotData.config.endpoint?.()).toMatchObject({ hostname: DATA_ENDPOINT, protocol: 'https:' });
    expect(target.installedCertificatePem).toBeUndefined();
    expect(target.coreConnects).toBeUndefined();
    expect(target.notifications).toBeUndefined();
  });

  it('lists every page of the thing group', async () => {
    iot
      .on(ListThingsInThingGroupCommand)
      .resolvesOnce({ things: ['core-1', 'core-2'], nextToken: 'page-2' })
      .resolvesOnce({ things: ['core-3'] });
    target = await createAwsTarget(CONFIG, { sleep });
    expect(await target.things()).toEqual(['core-1', 'core-2', 'core-3']);
    expect(iot.commandCalls(ListThingsInThingGroupCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'page-2']);
  });

  describe('useIssuer', () => {
    const BASE_ENV = {
      JOB_DOCUMENT: '{"operation":"ROTATE_CERTIFICATE"}',
      PCA_CA_ARN: '',
      PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA',
      PCA_VALIDITY_IN_DAYS: '7',
    };

    it('points the create function at the Private CA, keeping its other variables, and waits for the update', async () => {
      lambda
        .on(GetFunctionConfigurationCommand, { FunctionName: CREATE_FUNCTION_NAME })
        .resolvesOnce({ LastUpdateStatus: 'Successful', Environment: { Variables: BASE_ENV } })
        .resolvesOnce({ LastUpdateStatus: 'InProgress' })
        .resolvesOnce({ LastUpdateStatus: 'InProgress' })
        .resolves({ LastUpdateStatus: 'Successful' });
      lambda.on(UpdateFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'InProgress' });
      target = await createAwsTarget(CONFIG, { sleep });
      await target.useIssuer({ kind: 'pca', signingAlgorithm: 'SHA384WITHECDSA' });
      expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
        {
          FunctionName: CREATE_FUNCTION_NAME,
          Environment: { Variables: { ...BASE_ENV, PCA_CA_ARN: CA_ARN, PCA_SIGNING_ALGORITHM: 'SHA384WITHECDSA' } },
        },
      ]);
      expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(4);
      expect(sleeps).toHaveLength(2);
    });

    it('waits for an earlier update before changing the function, and clears the CA for AWS IoT Core', async () => {
      lambda
        .on(GetFunctionConfigurationCommand)
        .resolvesOnce({ LastUpdateStatus: 'InProgress', Environment: { Variables: { ...BASE_ENV, PCA_CA_ARN: 'stale' } } })
        .resolvesOnce({ LastUpdateStatus: 'Successful', Environment: { Variables: { ...BASE_ENV, PCA_CA_ARN: CA_ARN } } })
        .resolves({ LastUpdateStatus: 'Successful' });
      lambda.on(UpdateFunctionConfigurationCommand).resolves({});
      target = await createAwsTarget(CONFIG, { sleep });
      await target.useIssuer({ kind: 'iot' });
      expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input.Environment?.Variables)).toEqual([
        { ...BASE_ENV, PCA_CA_ARN: '' },
      ]);
    });

    it('fails when the function update fails', async () => {
      lambda
        .on(GetFunctionConfigurationCommand)
        .resolvesOnce({ LastUpdateStatus: 'Successful', Environment: { Variables: BASE_ENV } })
        .resolves({ LastUpdateStatus: 'Failed', LastUpdateStatusReason: 'KMS key disabled' });
      lambda.on(UpdateFunctionConfigurationCommand).resolves({});
      target = await createAwsTarget(CONFIG, { sleep });
      await expect(target.useIssuer({ kind: 'iot' })).rejects.toThrow(/configuration update failed: KMS key disabled/);
    });

    it('refuses the Private CA when PCA_CA_ID is not set', async () => {
      target = await createAwsTarget({ ...CONFIG, pcaCaId: undefined }, { sleep });
      await expect(target.useIssuer({ kind: 'pca', signingAlgorithm: 'SHA256WITHRSA' })).rejects.toThrow(/PCA_CA_ID is not set/);
      expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    });
  });

  describe('pcaSigningAlgorithms', () => {
    it.each([
      ['RSA_2048', ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA']],
      ['RSA_4096', ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA']],
      ['EC_prime256v1', ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA']],
      ['EC_secp384r1', ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA']],
      ['SM2', []],
    ])('a CA with a %s key signs with %j', async (keyAlgorithm, expected) => {
      pca.on(DescribeCertificateAuthorityCommand, { CertificateAuthorityArn: CA_ARN }).resolves({
        CertificateAuthority: { CertificateAuthorityConfiguration: { KeyAlgorithm: keyAlgorithm, SigningAlgorithm: 'SHA256WITHRSA' } },
      });
      target = await createAwsTarget(CONFIG, { sleep });
      expect([...(await target.pcaSigningAlgorithms())].sort()).toEqual([...expected].sort());
    });

    it("builds the CA ARN in the caller's partition", async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/ci/session` });
      pca
        .on(DescribeCertificateAuthorityCommand)
        .resolves({ CertificateAuthority: { CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048' } } });
      target = await createAwsTarget({ ...CONFIG, region: 'cn-north-1' }, { sleep });
      await target.pcaSigningAlgorithms();
      expect(pca.commandCalls(DescribeCertificateAuthorityCommand)[0]?.args[0].input.CertificateAuthorityArn).toBe(
        `arn:aws-cn:acm-pca:cn-north-1:${ACCOUNT}:certificate-authority/${CA_ID}`,
      );
    });

    it('is empty without PCA_CA_ID, and asks neither STS nor Private CA', async () => {
      target = await createAwsTarget({ ...CONFIG, pcaCaId: undefined }, { sleep });
      expect(await target.pcaSigningAlgorithms()).toEqual([]);
      expect(pca.commandCalls(DescribeCertificateAuthorityCommand)).toHaveLength(0);
      expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    });
  });
});
