import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_SETUP_TIMEOUT_MS } from '../standin-target.js';
import { makeCsr } from '../../test/support/aws/csr.js';
import { HostileWorld } from './hostile-world.js';

const N = 8;

describe.each(['iot', 'pca'] as const)('concurrent creates for one job execution (issuer %s)', (issuer) => {
  let world: HostileWorld;
  beforeAll(async () => {
    world = await HostileWorld.start(issuer);
  }, STAND_IN_SETUP_TIMEOUT_MS);
  afterAll(() => world.close());

  it(`${N} creates at once get exactly one new certificate; the others are refused and leave nothing`, async () => {
    const victim = world.things.victim;
    const certificatesBefore = world.standIn.model.registry.certificates.listCertificates().length;
    const csrs = await Promise.all(Array.from({ length: N }, () => makeCsr('EC-P256', 'CN=victim')));
    const connection = await world.connect(victim, 'victim');
    const seenFrom = world.observer.received.length;
    const invocations = world.standIn.rules.invocations().length;
    // Published back to back: every invocation runs concurrently with the others.
    await Promise.all(
      csrs.map((csr) =>
        connection.client.publishAsync('awslabs/things/victim/certificate/create', JSON.stringify({ jobId: 'rotation', csr }), { qos: 1 }),
      ),
    );
    await world.settle(invocations + N - 1, true);

    const replies = world.repliesSince(seenFrom);
    expect(replies.filter((r) => r.topic.endsWith('/create/accepted'))).toHaveLength(1);
    const rejected = replies.filter((r) => r.topic.endsWith('/create/rejected'));
    expect(rejected).toHaveLength(N - 1);
    for (const r of rejected) expect(r.json['errorMsg']).toMatch(/^Pre-conditions not met/);
    const attached = world.standIn.model.registry.listThingPrincipalsV2('victim');
    expect(attached).toHaveLength(2);
    expect(world.standIn.model.registry.certificates.listCertificates()).toHaveLength(certificatesBefore + 1);
  }, 60_000);
});
