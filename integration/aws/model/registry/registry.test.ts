import { beforeAll, describe, expect, it } from 'vitest';
import { AwsModel } from '../aws-model.js';
import { LocalAuthorities } from '../ca/local-authorities.js';
import { ManualClock } from '../clock.js';
import type { CertificateEvent } from './certificates.js';

let authorities: LocalAuthorities;
beforeAll(async () => {
  authorities = await LocalAuthorities.create(() => Date.now());
});

const device = { keySpec: { kind: 'EC', curve: 'P-256' } as const };

describe('thing principals and certificates', () => {
  it('provisions a device with an ACTIVE certificate attached exclusively and its policy', async () => {
    const model = await AwsModel.create({ authorities });
    const d = await model.registry.provisionDevice({ thingName: 'core-1', policyName: 'CorePolicy', thingGroupName: 'fleet', ...device });
    expect(d.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(model.registry.listThingPrincipalsV2('core-1', 'EXCLUSIVE_THING')).toEqual([
      { thingName: 'core-1', principal: d.certificateArn, thingPrincipalType: 'EXCLUSIVE_THING' },
    ]);
    expect(model.registry.listAttachedPolicies(d.certificateArn).map((p) => p.policyName)).toEqual(['CorePolicy']);
    expect(model.registry.things.listThingsInThingGroup('fleet')).toEqual(['core-1']);
    expect(model.registry.describeCertificate(d.certificateId).status).toBe('ACTIVE');
    expect(d.privateKeyPem).toContain('PRIVATE KEY');
  });

  it('refuses to attach an exclusively attached certificate to another thing', async () => {
    const model = await AwsModel.create({ authorities });
    const d = await model.registry.provisionDevice({ thingName: 'a', ...device });
    model.registry.things.createThing('b');
    expect(() => model.registry.attachThingPrincipal('b', d.certificateArn, 'EXCLUSIVE_THING')).toThrow(
      expect.objectContaining({ code: 'InvalidRequestException' }),
    );
    expect(() => model.registry.attachThingPrincipal('b', d.certificateArn)).toThrow(
      expect.objectContaining({ code: 'InvalidRequestException' }),
    );
    expect(model.registry.listThingPrincipals('b')).toEqual([]);
  });

  it('lists only exclusive attachments when asked for EXCLUSIVE_THING', async () => {
    const model = await AwsModel.create({ authorities });
    const d = await model.registry.provisionDevice({ thingName: 'a', ...device });
    const other = await model.registry.createKeysAndCertificate(true, device.keySpec);
    model.registry.attachThingPrincipal('a', other.certificateArn, 'NON_EXCLUSIVE_THING');
    expect(model.registry.listThingPrincipalsV2('a', 'EXCLUSIVE_THING').map((p) => p.principal)).toEqual([d.certificateArn]);
    expect(model.registry.listThingPrincipals('a')).toHaveLength(2);
  });

  it('refuses DeleteCertificate while ACTIVE, then while attached, then succeeds', async () => {
    const clock = new ManualClock();
    const model = await AwsModel.create({ authorities, clock, detachPropagationDelayMs: 2000 });
    const d = await model.registry.provisionDevice({ thingName: 'a', policyName: 'P', ...device });
    expect(() => model.registry.deleteCertificate(d.certificateId)).toThrow(expect.objectContaining({ code: 'CertificateStateException' }));
    model.registry.updateCertificate(d.certificateId, 'INACTIVE');
    model.registry.detachThingPrincipal('a', d.certificateArn);
    // DetachThingPrincipal has not propagated yet.
    expect(model.registry.listThingPrincipals('a')).toEqual([d.certificateArn]);
    expect(() => model.registry.deleteCertificate(d.certificateId)).toThrow(expect.objectContaining({ code: 'DeleteConflictException' }));
    clock.advance(2000);
    expect(model.registry.listThingPrincipals('a')).toEqual([]);
    expect(() => model.registry.deleteCertificate(d.certificateId)).toThrow(expect.objectContaining({ code: 'DeleteConflictException' }));
    model.registry.detachPolicy('P', d.certificateArn);
    model.registry.deleteCertificate(d.certificateId);
    expect(() => model.registry.describeCertificate(d.certificateId)).toThrow(
      expect.objectContaining({ code: 'ResourceNotFoundException' }),
    );
  });

  it('reports creation, status changes and deletion to listeners', async () => {
    const model = await AwsModel.create({ authorities, detachPropagationDelayMs: 0 });
    const events: CertificateEvent[] = [];
    model.registry.certificates.onEvent((e) => events.push(e));
    const c = await model.registry.createKeysAndCertificate(true, device.keySpec);
    model.registry.updateCertificate(c.certificateId, 'REVOKED');
    expect(() => model.registry.updateCertificate(c.certificateId, 'ACTIVE')).toThrow(
      expect.objectContaining({ code: 'CertificateStateException' }),
    );
    model.registry.deleteCertificate(c.certificateId);
    expect(events.map((e) => [e.kind, e.status])).toEqual([
      ['created', 'ACTIVE'],
      ['statusChanged', 'REVOKED'],
      ['deleted', 'REVOKED'],
    ]);
  });

  it('refuses to register the same certificate twice', async () => {
    const model = await AwsModel.create({ authorities });
    const c = await model.registry.createKeysAndCertificate(false, device.keySpec);
    expect(() => model.registry.registerCertificateWithoutCA(c.certificatePem, 'ACTIVE')).toThrow(
      expect.objectContaining({ code: 'ResourceAlreadyExistsException' }),
    );
  });
});

describe('named shadows', () => {
  it('merges reported state, deletes keys set to null, versions each update', async () => {
    const model = await AwsModel.create({ authorities });
    const s = model.shadows;
    s.updateThingShadow('t', 'Rot', { state: { reported: { progress: 'created', oldCertificateId: 'a', newCertificateId: 'b' } } });
    const second = s.updateThingShadow('t', 'Rot', { state: { reported: { progress: 'committed', oldCertificateId: null } } });
    expect(second.version).toBe(2);
    expect(s.getThingShadow('t', 'Rot').state.reported).toEqual({ progress: 'committed', newCertificateId: 'b' });
    expect(() => s.updateThingShadow('t', 'Rot', { state: { reported: { x: 1 } }, version: 1 })).toThrow(
      expect.objectContaining({ code: 'ConflictException' }),
    );
    expect(() => s.updateThingShadow('t', 'Rot', { state: 'nope' })).toThrow(expect.objectContaining({ code: 'InvalidRequestException' }));
    expect(s.listNamedShadowsForThing('t')).toEqual(['Rot']);
    s.deleteThingShadow('t', 'Rot');
    expect(() => s.getThingShadow('t', 'Rot')).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException' }));
  });
});

describe('SNS', () => {
  it('logs published messages with subject and time, and refuses unknown topics', async () => {
    const model = await AwsModel.create({ authorities });
    const { topicArn } = model.sns.createTopic('AWSLabsCertificateRotatorNotification');
    model.sns.publish({ topicArn, subject: 'S', message: 'M' });
    expect(model.sns.messages(topicArn)).toEqual([expect.objectContaining({ subject: 'S', message: 'M', topicArn })]);
    expect(() => model.sns.publish({ topicArn: `${topicArn}x`, message: 'M' })).toThrow(
      expect.objectContaining({ code: 'NotFoundException' }),
    );
  });
});
