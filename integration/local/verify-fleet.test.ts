import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationPrefix, notifications } from '../../backend/src/rotation/messages.js';
import { SHADOW_NAME } from '../../shared/contract/index.js';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { provisionFleet, type ProvisionedCore } from './fleet.js';
import { fileCredentialsProbe, verifyCore } from './verify-fleet.js';

const ALGORITHMS = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;

describe('verifyCore tells a bricked core from a working one on an inconsistent registry', () => {
  let standIn: AwsStandIn;
  let workDir: string;
  let core: ProvisionedCore;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'rotator-verify-'));
    standIn = await startAwsStandIn({ logger: stderrLogger('error') });
    [core] = (await provisionFleet(standIn, { count: 1, workDir, thingGroupName: 'Verified', algorithms: ALGORITHMS })) as [
      ProvisionedCore,
    ];
  });

  afterAll(async () => {
    await standIn?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const verify = () => verifyCore(standIn, core, fileCredentialsProbe(standIn, core));

  it('a core on its one ACTIVE certificate is neither', async () => {
    expect(await verify()).toMatchObject({
      connects: true,
      bricked: false,
      registryInconsistent: false,
      reasons: [],
      registryProblems: [],
    });
  });

  it('a second ACTIVE certificate on the thing: the core still works, the registry is inconsistent', async () => {
    const registry = standIn.model.registry;
    const extra = await registry.createKeysAndCertificate(true, { kind: 'EC', curve: 'P-256' });
    registry.attachThingPrincipal(core.thingName, extra.certificateArn);
    expect(await verify()).toMatchObject({
      connects: true,
      bricked: false,
      registryInconsistent: true,
      registryProblems: ['thing has 2 ACTIVE certificates attached'],
    });
  });

  /** Records the thing's two certificates as a rotation with this progress, in its rotation shadow. */
  const recordPair = (progress: string): void => {
    const [newArn] = standIn.model.registry.listThingPrincipals(core.thingName).filter((arn) => !arn.endsWith(core.initialCertificateId));
    const newCertificateId = newArn?.slice(newArn.lastIndexOf('/') + 1);
    const record = { progress, oldCertificateId: core.initialCertificateId, newCertificateId };
    standIn.model.shadows.updateThingShadow(core.thingName, SHADOW_NAME, { state: { reported: record } });
  };
  const announce = (message: string): void => {
    standIn.model.sns.publish({ topicArn: standIn.model.sns.createTopic('Verified').topicArn, message });
  };
  const prefix = () => notificationPrefix(core.thingName);
  const awaiting = { connects: true, bricked: false, registryInconsistent: false, registryProblems: [], awaitingNextRotation: true };

  it('the same pair, recorded as an unsettled rotation and announced: awaiting the next rotation, not inconsistent', async () => {
    recordPair('unsettled');
    // Recorded but not announced: still counted as inconsistent.
    expect(await verify()).toMatchObject({ registryInconsistent: true, awaitingNextRotation: false });
    announce(notifications.unsettledAfterCommit(prefix(), 'TIMED_OUT'));
    expect(await verify()).toMatchObject(awaiting);
  });

  it('the pair still recorded after a clean-up that did not complete, and announced: awaiting the next rotation', async () => {
    recordPair('committed');
    expect(await verify()).toMatchObject({ registryInconsistent: true, awaitingNextRotation: false });
    const problem = 'AWS throttling: ListThingPrincipalsV2 was still throttled (ThrottlingException) after 16 attempts';
    announce(notifications.cleanUpIncomplete(prefix(), 'SUCCEEDED', problem));
    expect(await verify()).toMatchObject(awaiting);
  });

  it('the installed certificate INACTIVE: the core is bricked', async () => {
    standIn.model.registry.updateCertificate(core.initialCertificateId, 'INACTIVE');
    const outcome = await verify();
    expect(outcome.bricked).toBe(true);
    expect(outcome.connects).toBe(false);
    expect(outcome.reasons).toContain('the installed certificate is not ACTIVE and attached to the thing');
  });
});
