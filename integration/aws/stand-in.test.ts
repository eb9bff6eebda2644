import { DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../shared/logging/logger.js';
import { LocalAuthorities } from './model/ca/local-authorities.js';
import { type AwsStandIn, startAwsStandIn } from './stand-in.js';
import { makeCsr } from '../test/support/aws/csr.js';
import { connectDevice, type DeviceConnection } from '../test/support/aws/mqtt-device.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const CREATE_SQL =
  "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/create'";

let authorities: LocalAuthorities;
let standIn: AwsStandIn | undefined;
let device: DeviceConnection | undefined;
beforeAll(async () => {
  authorities = await LocalAuthorities.create(() => Date.now());
});
afterEach(async () => {
  await device?.client.endAsync(true).catch(() => undefined);
  await standIn?.close();
  standIn = undefined;
});

describe('startAwsStandIn', () => {
  it('wires device publishes through a rule to a function that answers with the SDK over HTTP', async () => {
    const s = await startAwsStandIn({ authorities, logger: silent });
    standIn = s;
    expect(s.http?.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const config = s.http!.clientConfig();
    const credentials = await s.model.registry.provisionDevice({
      thingName: 'core-1',
      keySpec: { kind: 'EC', curve: 'P-256' },
      policyName: 'AllowAll',
    });
    const thing = await new IoTClient(config).send(new DescribeThingCommand({ thingName: 'core-1' }));
    expect(thing.thingArn).toBe(credentials.thingArn);

    const data = new IoTDataPlaneClient(config);
    s.rules.addRule('Create', CREATE_SQL, async (event) => {
      await data.send(
        new PublishCommand({
          topic: `awslabs/things/${String(event.thingName)}/certificate/create/accepted`,
          qos: 0,
          payload: Buffer.from(JSON.stringify({ principal: event.principal, clientId: event.clientId })),
        }),
      );
    });
    device = await connectDevice({
      ...s.mqtt,
      ...credentials,
      clientId: 'core-1',
      subscribe: ['awslabs/things/core-1/certificate/create/accepted'],
    });
    await device.publish('awslabs/things/core-1/certificate/create', { jobId: 'j', csr: 'x' });
    expect(await device.next('awslabs/things/core-1/certificate/create/accepted')).toEqual({
      principal: credentials.certificateId,
      clientId: 'core-1',
    });
  });

  it('deactivates certificates as soon as they appear while the fault is on', async () => {
    const s = await startAwsStandIn({ authorities, logger: silent, http: false });
    standIn = s;
    const stop = s.faults.deactivateNewCertificates();
    const issued = await s.model.registry.createCertificateFromCsr(await makeCsr('EC-P256'), true);
    await expect.poll(() => s.model.registry.describeCertificate(issued.certificateId).status).toBe('INACTIVE');
    stop();
    const later = await s.model.registry.createCertificateFromCsr(await makeCsr('EC-P256'), true);
    await Promise.resolve();
    expect(s.model.registry.describeCertificate(later.certificateId).status).toBe('ACTIVE');
  });
});
