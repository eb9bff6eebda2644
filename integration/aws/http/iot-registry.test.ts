import { X509Certificate } from 'node:crypto';
import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CertificateStateException,
  CertificateValidationException,
  CreateCertificateFromCsrCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteCertificateCommand,
  DeleteConflictException,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  InvalidRequestException,
  IoTClient,
  ListCertificatesCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsCommand,
  ListThingPrincipalsV2Command,
  ListThingsInThingGroupCommand,
  paginateListCertificates,
  RegisterCertificateCommand,
  RegisterCertificateWithoutCACommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, makeCsr, startApiFixture } from '../../test/support/aws/http.js';

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] });

describe('AWS IoT registry over HTTP', () => {
  let fx: ApiFixture;
  let iot: IoTClient;

  beforeAll(async () => {
    fx = await startApiFixture();
    iot = new IoTClient({ ...fx.clientConfig, maxAttempts: 1 });
  });
  afterAll(() => fx.close());

  it('issues an ACTIVE Amazon-signed certificate from a CSR and describes it', async () => {
    const created = await iot.send(
      new CreateCertificateFromCsrCommand({ certificateSigningRequest: await makeCsr('CN=t1'), setAsActive: true }),
    );
    const pem = created.certificatePem ?? '';
    expect(created.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(created.certificateArn).toBe(`arn:aws:iot:us-east-1:123456789012:cert/${created.certificateId}`);
    expect(new X509Certificate(pem).issuer).toContain('Amazon Web Services');
    const { certificateDescription: d } = await iot.send(new DescribeCertificateCommand({ certificateId: created.certificateId }));
    expect(d).toMatchObject({ certificateId: created.certificateId, status: 'ACTIVE', certificateMode: 'DEFAULT' });
    expect(d?.creationDate).toBeInstanceOf(Date);
    expect(d?.validity?.notAfter?.getUTCFullYear()).toBe(2049);
  });

  it('rejects an unparseable CSR as InvalidRequestException', async () => {
    await expect(iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: 'not a csr' }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });

  it('registers certificates without a CA and with their CA, and refuses a duplicate or a foreign CA', async () => {
    const device = await fx.model.registry.createKeysAndCertificate(false);
    const pem = device.certificatePem;
    fx.model.registry.certificates.updateCertificate(device.certificateId, 'INACTIVE');
    fx.model.registry.deleteCertificate(device.certificateId);

    const noCa = await iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'ACTIVE' }));
    expect(noCa.certificateId).toBe(device.certificateId);
    await expect(iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    await iot.send(new UpdateCertificateCommand({ certificateId: device.certificateId, newStatus: 'INACTIVE' }));
    await iot.send(new DeleteCertificateCommand({ certificateId: device.certificateId }));

    const caPem = fx.model.authorities.deviceCa.certificatePem;
    const withCa = await iot.send(new RegisterCertificateCommand({ certificatePem: pem, caCertificatePem: caPem }));
    const { certificateDescription } = await iot.send(new DescribeCertificateCommand({ certificateId: withCa.certificateId }));
    expect(certificateDescription?.status).toBe('INACTIVE');
    expect(certificateDescription?.caCertificateId).toMatch(/^[0-9a-f]{64}$/);

    const otherCa = fx.model.authorities.awsIot.certificatePem;
    const other = await fx.model.registry.createKeysAndCertificate(false);
    await expect(
      iot.send(new RegisterCertificateCommand({ certificatePem: other.certificatePem, caCertificatePem: otherCa })),
    ).rejects.toBeInstanceOf(CertificateValidationException);
  });

  it('lists certificates page by page with the SDK paginator', async () => {
    const first = await iot.send(new ListCertificatesCommand({ pageSize: 1 }));
    expect(first.certificates).toHaveLength(1);
    expect(first.nextMarker).toBeDefined();
    const ids: string[] = [];
    for await (const p of paginateListCertificates({ client: iot, pageSize: 2 }, {})) {
      ids.push(...(p.certificates ?? []).map((c) => c.certificateId ?? ''));
    }
    expect(ids.sort()).toEqual(
      fx.model.registry.certificates
        .listCertificates()
        .map((c) => c.certificateId)
        .sort(),
    );
  });

  it('manages things, exclusive principals and the delete conflicts of a rotation clean-up', async () => {
    const thing = await iot.send(new CreateThingCommand({ thingName: 'core-1', attributePayload: { attributes: { site: 'a' } } }));
    expect(thing.thingArn).toBe('arn:aws:iot:us-east-1:123456789012:thing/core-1');
    expect(await iot.send(new DescribeThingCommand({ thingName: 'core-1' }))).toMatchObject({
      thingName: 'core-1',
      defaultClientId: 'core-1',
      attributes: { site: 'a' },
      version: 1,
    });
    const cert = await iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: await makeCsr(), setAsActive: true }));
    const principal = cert.certificateArn ?? '';
    await iot.send(new AttachThingPrincipalCommand({ thingName: 'core-1', principal, thingPrincipalType: 'EXCLUSIVE_THING' }));

    const v2 = await iot.send(new ListThingPrincipalsV2Command({ thingName: 'core-1', thingPrincipalType: 'EXCLUSIVE_THING' }));
    expect(v2.thingPrincipalObjects).toEqual([{ principal, thingPrincipalType: 'EXCLUSIVE_THING' }]);
    const nonExclusive = await iot.send(
      new ListThingPrincipalsV2Command({ thingName: 'core-1', thingPrincipalType: 'NON_EXCLUSIVE_THING' }),
    );
    expect(nonExclusive.thingPrincipalObjects).toEqual([]);
    expect((await iot.send(new ListThingPrincipalsCommand({ thingName: 'core-1' }))).principals).toEqual([principal]);

    await iot.send(new CreateThingCommand({ thingName: 'core-2' }));
    await expect(
      iot.send(new AttachThingPrincipalCommand({ thingName: 'core-2', principal, thingPrincipalType: 'EXCLUSIVE_THING' })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(iot.send(new DeleteThingCommand({ thingName: 'core-1' }))).rejects.toBeInstanceOf(InvalidRequestException);

    const certificateId = cert.certificateId ?? '';
    await expect(iot.send(new DeleteCertificateCommand({ certificateId }))).rejects.toBeInstanceOf(CertificateStateException);
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
    await expect(iot.send(new DeleteCertificateCommand({ certificateId }))).rejects.toBeInstanceOf(DeleteConflictException);
    await iot.send(new DetachThingPrincipalCommand({ thingName: 'core-1', principal }));
    await iot.send(new DeleteCertificateCommand({ certificateId }));
    await expect(iot.send(new DescribeCertificateCommand({ certificateId }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await iot.send(new DeleteThingCommand({ thingName: 'core-1' }));
    await expect(iot.send(new DescribeThingCommand({ thingName: 'core-1' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('names the bad field of an invalid input', async () => {
    const error = await iot.send(new UpdateCertificateCommand({ certificateId: 'abc', newStatus: 'ACTIVE' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect((error as Error).message).toContain('certificateId');
  });

  it('creates policies and attaches them to certificate principals', async () => {
    const created = await iot.send(new CreatePolicyCommand({ policyName: 'CorePolicy', policyDocument: POLICY }));
    expect(created).toMatchObject({ policyName: 'CorePolicy', policyVersionId: '1', policyDocument: POLICY });
    expect(await iot.send(new GetPolicyCommand({ policyName: 'CorePolicy' }))).toMatchObject({ defaultVersionId: '1' });
    await expect(iot.send(new CreatePolicyCommand({ policyName: 'CorePolicy', policyDocument: POLICY }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    const cert = await iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: await makeCsr() }));
    const target = cert.certificateArn ?? '';
    await iot.send(new AttachPolicyCommand({ policyName: 'CorePolicy', target }));
    const listed = await iot.send(new ListPrincipalPoliciesCommand({ principal: target }));
    expect(listed.policies).toEqual([{ policyName: 'CorePolicy', policyArn: created.policyArn }]);
    await iot.send(new DetachPolicyCommand({ policyName: 'CorePolicy', target }));
    expect((await iot.send(new ListPrincipalPoliciesCommand({ principal: target }))).policies).toEqual([]);
    await expect(iot.send(new GetPolicyCommand({ policyName: 'Missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('groups things, by name or by ARN', async () => {
    const group = await iot.send(new CreateThingGroupCommand({ thingGroupName: 'fleet' }));
    await iot.send(new CreateThingCommand({ thingName: 'core-3' }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'fleet', thingName: 'core-2' }));
    await iot.send(
      new AddThingToThingGroupCommand({ thingGroupArn: group.thingGroupArn, thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/core-3' }),
    );
    expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'fleet' }))).things).toEqual(['core-2', 'core-3']);
    await expect(iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
