import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_SETUP_TIMEOUT_MS } from '../standin-target.js';
import { hostileCsrs } from './hostile-csrs.js';
import { HostileWorld, type Thing } from './hostile-world.js';

/**
 * The hostile suite against the three Lambdas, through the stand-in with the real backend, under
 * the permissive policy (every action on every resource: the attacker's best case). Each case
 * sends one message and checks the reply (or that there was none), and that the registry, the job
 * executions and the rotation shadows are as they were.
 */
type Sender = 'victim' | 'attacker' | 'done' | 'twoCerts';
interface Case {
  name: string;
  sender: Sender;
  clientId?: string;
  /** The thing whose request topic is used; default the sender's. */
  topicThing?: Sender;
  kind: 'create' | 'commit';
  payload: (csrs: Awaited<ReturnType<typeof hostileCsrs>>) => unknown;
  /** `none`: dropped unanswered; else the rejection on the topic thing's own rejected topic. */
  reply: 'none' | RegExp;
}

const create = (jobId: unknown, csr: unknown) => ({ jobId, csr });
const PRE = /^Pre-conditions not met/;

const CREATE_CASES: Case[] = [
  { name: 'payload that is not JSON', sender: 'victim', kind: 'create', payload: () => 'junk', reply: /^Invalid request/ },
  { name: 'payload that is a JSON array', sender: 'victim', kind: 'create', payload: () => [], reply: /^Invalid request/ },
  { name: 'jobId of the wrong type', sender: 'victim', kind: 'create', payload: (c) => create(42, c.good), reply: /jobId/ },
  { name: 'csr of the wrong type', sender: 'victim', kind: 'create', payload: () => create('rotation', 7), reply: /csr/ },
  { name: 'no jobId', sender: 'victim', kind: 'create', payload: (c) => ({ csr: c.good }), reply: /jobId/ },
  { name: 'no csr', sender: 'victim', kind: 'create', payload: () => ({ jobId: 'rotation' }), reply: /csr/ },
  {
    name: 'an oversized CSR',
    sender: 'victim',
    kind: 'create',
    payload: () => create('rotation', `-----BEGIN CERTIFICATE REQUEST-----\n${'A'.repeat(100_000)}\n-----END CERTIFICATE REQUEST-----\n`),
    reply: /^CSR refused/,
  },
  { name: 'a job id that does not exist', sender: 'victim', kind: 'create', payload: (c) => create('no-such-job', c.good), reply: PRE },
  {
    name: 'a job that is not a rotation job',
    sender: 'victim',
    kind: 'create',
    payload: (c) => create('not-rotation', c.good),
    reply: PRE,
  },
  { name: 'a rotation job still QUEUED', sender: 'victim', kind: 'create', payload: (c) => create('queued-rotation', c.good), reply: PRE },
  {
    name: 'a replay after the job execution SUCCEEDED',
    sender: 'done',
    kind: 'create',
    payload: (c) => create('rotation', c.good),
    reply: PRE,
  },
  {
    name: 'a thing with two certificates attached',
    sender: 'twoCerts',
    kind: 'create',
    payload: (c) => create('rotation', c.good),
    reply: PRE,
  },
  {
    name: 'a CSR with a bad signature',
    sender: 'victim',
    kind: 'create',
    payload: (c) => create('rotation', c.badSignature),
    reply: /signature does not verify/,
  },
  {
    name: 'a certificate instead of a CSR',
    sender: 'victim',
    kind: 'create',
    payload: () => create('rotation', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'),
    reply: /csr: must be a PEM certificate signing request/,
  },
  {
    name: 'a CSR that is not PEM',
    sender: 'victim',
    kind: 'create',
    payload: () => create('rotation', 'CERTIFICATE REQUEST, honestly'),
    reply: /not a PEM certificate signing request/,
  },
  {
    name: 'a CSR whose key type is not accepted (RSA-1024)',
    sender: 'victim',
    kind: 'create',
    payload: (c) => create('rotation', c.rsa1024),
    reply: /RSA key of 1024 bits/,
  },
  {
    name: "a CSR for the thing's current key",
    sender: 'victim',
    kind: 'create',
    payload: (c) => create('rotation', c.currentKey),
    reply: /a rotation must change the key/,
  },
  { name: 'a CSR asking to be a CA', sender: 'victim', kind: 'create', payload: (c) => create('rotation', c.ca), reply: /CA:TRUE/ },
  {
    name: 'a CSR asking for subject alternative names',
    sender: 'victim',
    kind: 'create',
    payload: (c) => create('rotation', c.san),
    reply: /subject alternative names/,
  },
  {
    name: 'a CSR asking for keyCertSign',
    sender: 'victim',
    kind: 'create',
    payload: (c) => create('rotation', c.keyCertSign),
    reply: /keyCertSign/,
  },
  {
    name: 'a CSR asking for another subject',
    sender: 'victim',
    kind: 'create',
    payload: (c) => create('rotation', c.otherSubject),
    reply: /subject CN=attacker, O=Evil Corp, OU=admin/,
  },
  {
    name: "another thing's request on the victim's topic",
    sender: 'attacker',
    topicThing: 'victim',
    kind: 'create',
    payload: (c) => create('rotation', c.good),
    reply: 'none',
  },
  {
    name: "junk from another thing on the victim's topic",
    sender: 'attacker',
    topicThing: 'victim',
    kind: 'create',
    payload: () => 'junk',
    reply: 'none',
  },
  {
    name: "another thing posing as the victim in the payload's fields",
    sender: 'attacker',
    topicThing: 'victim',
    kind: 'create',
    payload: (c) => ({ ...create('rotation', c.good), thingName: 'victim', clientId: 'victim', principal: '0'.repeat(64) }),
    reply: 'none',
  },
  {
    name: "the victim's certificate with another client id",
    sender: 'victim',
    clientId: 'victim-2',
    kind: 'create',
    payload: (c) => create('rotation', c.good),
    reply: 'none',
  },
  {
    name: 'a client id suffix the nucleus never uses (#1)',
    sender: 'victim',
    clientId: 'victim#1',
    kind: 'create',
    payload: (c) => create('rotation', c.good),
    reply: 'none',
  },
  {
    name: "another thing's job from the attacker's own topic",
    sender: 'attacker',
    kind: 'create',
    payload: (c) => create('not-rotation', c.good),
    reply: PRE,
  },
  {
    name: "the victim's snooped CSR resubmitted by another thing",
    sender: 'attacker',
    kind: 'create',
    payload: (c) => create('rotation', c.good),
    reply: /subject CN=victim/,
  },
];

const COMMIT_CASES: Case[] = [
  { name: 'payload that is not JSON', sender: 'victim', kind: 'commit', payload: () => 'junk', reply: /^Invalid request/ },
  { name: 'jobId of the wrong type', sender: 'victim', kind: 'commit', payload: () => ({ jobId: ['rotation'] }), reply: /jobId/ },
  {
    name: 'a commit before any create, with the old certificate',
    sender: 'victim',
    kind: 'commit',
    payload: () => ({ jobId: 'rotation' }),
    reply: PRE,
  },
  { name: 'a job id that does not exist', sender: 'victim', kind: 'commit', payload: () => ({ jobId: 'no-such-job' }), reply: PRE },
  { name: 'a job that is not a rotation job', sender: 'victim', kind: 'commit', payload: () => ({ jobId: 'not-rotation' }), reply: PRE },
  {
    name: 'a replay after the job execution SUCCEEDED',
    sender: 'done',
    kind: 'commit',
    payload: () => ({ jobId: 'rotation' }),
    reply: PRE,
  },
  {
    name: "another thing's commit on the victim's topic",
    sender: 'attacker',
    topicThing: 'victim',
    kind: 'commit',
    payload: () => ({ jobId: 'rotation' }),
    reply: 'none',
  },
  {
    name: "the victim's certificate with another client id",
    sender: 'victim',
    clientId: 'intruder',
    kind: 'commit',
    payload: () => ({ jobId: 'rotation' }),
    reply: 'none',
  },
];

describe.each(['iot', 'pca'] as const)('hostile requests to the create and commit functions (issuer %s)', (issuer) => {
  let world: HostileWorld;
  let csrs: Awaited<ReturnType<typeof hostileCsrs>>;

  beforeAll(async () => {
    world = await HostileWorld.start(issuer);
    csrs = await hostileCsrs(world.things.victim);
  }, STAND_IN_SETUP_TIMEOUT_MS);
  afterAll(() => world.close());

  it.each([...CREATE_CASES, ...COMMIT_CASES].map((c) => [`${c.kind}: ${c.name}`, c] as const))(
    '%s',
    async (_name, c) => {
      const sender: Thing = world.things[c.sender];
      const topicThing = world.things[c.topicThing ?? c.sender];
      const before = world.state();
      const connection = await world.connect(sender, c.clientId ?? sender.thingName);
      const seenFrom = world.observer.received.length;
      const invocations = world.standIn.rules.invocations().length;
      const payload = c.payload(csrs);
      await connection.client.publishAsync(
        `awslabs/things/${topicThing.thingName}/certificate/${c.kind}`,
        typeof payload === 'string' ? payload : JSON.stringify(payload),
        { qos: 1 },
      );
      await world.settle(invocations, true);
      await connection.client.endAsync(true);

      const replies = world.repliesSince(seenFrom);
      if (c.reply === 'none') {
        expect(replies).toEqual([]);
      } else {
        expect(replies).toEqual([
          {
            topic: `awslabs/things/${topicThing.thingName}/certificate/${c.kind}/rejected`,
            json: { errorMsg: expect.stringMatching(c.reply) },
          },
        ]);
      }
      expect(world.state()).toEqual(before);
    },
    30_000,
  );
});
