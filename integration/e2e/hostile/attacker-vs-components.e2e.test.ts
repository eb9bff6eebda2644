import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STAND_IN_SUITE_TIMEOUTS } from '../standin-target.js';
import { startAttackerFleet, type AttackerFleet } from './attacker-fleet.js';

/**
 * A thing of the fleet turned attacker, with the permissive policy (publish and subscribe on every
 * topic), against real components rotating in the stand-in. It sees every request and answers it
 * with junk, replays and forged replies on the victim's own topics.
 */
let world: AttackerFleet | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const REQUEST = /^awslabs\/things\/([^/]+)\/certificate\/(create|commit)$/;

describe('an attacking thing under the permissive policy', () => {
  it(
    "sends junk and replays on every victim's request topics: every victim SUCCEEDS, each on one registered certificate",
    async () => {
      world = await startAttackerFleet({ devices: 3, policy: 'permissive' });
      const { attacker } = world;
      await attacker.subscribeAsync('awslabs/things/+/certificate/+', { qos: 0 });
      attacker.on('message', (topic, payload) => {
        if (!REQUEST.test(topic) || payload.toString() === 'junk') return;
        attacker.publish(topic, 'junk', { qos: 0 });
        attacker.publish(topic, payload, { qos: 0 });
      });
      const endings = await world.rotate();
      expect(endings.map((e) => [e.thingName, e.status, e.connects, e.registered, e.rotated, e.attachedCertificates])).toEqual(
        endings.map((e) => [e.thingName, 'SUCCEEDED', true, true, true, 1]),
      );
      expect(world.backend.securityEvents()).toBeGreaterThanOrEqual(2 * endings.length);
    },
    STAND_IN_SUITE_TIMEOUTS.rotationMs,
  );

  it(
    'forges each kind of reply; every victim ends on a working certificate attached to its own thing',
    async () => {
      world = await startAttackerFleet({ devices: 4, policy: 'permissive', thingNamePrefix: 'victim-' });
      const { attacker } = world;
      const attackerPem = world.standIn.model.registry.certificates
        .listCertificates()
        .find((c) => new X509Certificate(c.certificatePem).subject === 'CN=attacker')?.certificatePem;
      // victim-1: a create/accepted with a certificate for another key; victim-2: create/rejected;
      // victim-3: commit/rejected; victim-4: commit/accepted. The attacker answers as soon as it sees
      // the request, and the backend's genuine replies to victim-2 and victim-3 are held back so that
      // the forged rejections reach them first whatever the machine's pace.
      const forgeries: Record<string, [string, unknown]> = {
        'victim-1/create': ['create/accepted', { certificatePem: attackerPem }],
        'victim-2/create': ['create/rejected', { errorMsg: 'Pre-conditions not met' }],
        'victim-3/commit': ['commit/rejected', { errorMsg: 'Pre-conditions not met' }],
        'victim-4/commit': ['commit/accepted', {}],
      };
      await attacker.subscribeAsync('awslabs/things/+/certificate/+', { qos: 0 });
      attacker.on('message', (topic) => {
        const match = REQUEST.exec(topic);
        const forged = match ? forgeries[`${match[1]}/${match[2]}`] : undefined;
        if (match && forged) attacker.publish(`awslabs/things/${match[1]}/certificate/${forged[0]}`, JSON.stringify(forged[1]), { qos: 0 });
      });
      // The backend publishes its genuine reply (acceptance, or rejection once the job has failed) as AWS IoT.
      for (const request of ['victim-2/certificate/create', 'victim-3/certificate/commit'])
        world.standIn.faults.delayNext(`awslabs/things/${request}/+`, 10_000, { direction: 'service' });
      const endings = await world.rotate();
      // A core fails its job as soon as the forgery arrives, so the genuine reply may still be on its
      // way when the jobs have ended: a function may take up to its own 60 s timeout (the create
      // function removing a certificate its device gave up on, say), and the reply is then held
      // back 10 s. A reply that is never sent still fails this, however long it waits.
      await vi.waitFor(() => expect(world?.standIn.broker.faults.pending(), 'both genuine replies were held back').toBe(0), {
        timeout: 100_000,
        interval: 250,
      });
      const byThing = Object.fromEntries(endings.map((e) => [e.thingName, e]));
      for (const ending of endings) expect([ending.thingName, ending.connects, ending.registered]).toEqual([ending.thingName, true, true]);
      // The forged create/accepted is ignored: the backend's own reply completes the rotation.
      expect(byThing['victim-1']).toMatchObject({ status: 'SUCCEEDED', rotated: true, attachedCertificates: 1 });
      // A forged rejection fails the rotation; the core keeps (or goes back to) its old certificate.
      expect(byThing['victim-2']).toMatchObject({ status: 'FAILED', rotated: false });
      expect(byThing['victim-3']).toMatchObject({ status: 'FAILED', rotated: false });
      // A forged commit acceptance: the core is on its new certificate, which the backend issued to its thing.
      expect(byThing['victim-4']).toMatchObject({ status: 'SUCCEEDED', rotated: true });
    },
    STAND_IN_SUITE_TIMEOUTS.rotationMs,
  );

  it(
    "floods its own create topic: AWS IoT's per-connection limit throttles it and every other core still rotates within its own timeouts",
    async () => {
      world = await startAttackerFleet({ devices: 3, policy: 'permissive' });
      const { attacker, standIn } = world;
      let flooding = true;
      let sent = 0;
      // Twice AWS IoT's per-connection rate, bounded to 60 s and 12,000 messages. The attacker runs in
      // this process beside the fleet, so a faster flood would only measure this process's own load.
      const started = Date.now();
      const flood = (async () => {
        while (flooding && sent < 12_000 && Date.now() - started < 60_000) {
          for (let i = 0; i < 20; i += 1) attacker.publish('awslabs/things/attacker/certificate/create', 'junk', { qos: 0 });
          sent += 20;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const endings = await world.rotate();
      flooding = false;
      await flood;
      expect(endings.map((e) => [e.thingName, e.status, e.registered])).toEqual(endings.map((e) => [e.thingName, 'SUCCEEDED', true]));
      expect(standIn.broker.throttledPublishes()).toBeGreaterThan(0);
      const fromAttacker = standIn.rules.invocations().filter((i) => i.event['thingName'] === 'attacker').length;
      expect(fromAttacker).toBeLessThan(sent);
    },
    STAND_IN_SUITE_TIMEOUTS.rotationMs,
  );
});
