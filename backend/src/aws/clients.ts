import { DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { asyncCache } from '../runtime/async-cache.js';
import type { Invocation } from '../runtime/invocation.js';

/**
 * How the handlers reach AWS: the region's standard control-plane endpoints (AWS IoT, AWS Private
 * CA, SNS) and the function's own credentials, both as the SDK resolves them; the data-plane and
 * jobs endpoints come from IoT DescribeEndpoint.
 */
export interface ClientConfig {
  region: string;
}

/**
 * Our own retry layer owns every retry (it knows the invocation's time budget), so the SDK's is
 * switched off: two layers would multiply attempts past the budget.
 */
export function baseClientConfig(config: ClientConfig): { region: string; maxAttempts: number } {
  return { region: config.region, maxAttempts: 1 };
}

/** Settings of the control-plane clients (AWS IoT, AWS Private CA, SNS). */
export function controlPlaneConfig(config: ClientConfig): ReturnType<typeof baseClientConfig> {
  return baseClientConfig(config);
}

/** DescribeEndpoint answers an address (`<prefix>-ats.iot.<region>.amazonaws.com`); the API is HTTPS there. */
export function endpointUrl(address: string): string {
  return `https://${address}`;
}

type EndpointType = 'iot:Data-ATS' | 'iot:Jobs';

/** What a data-plane client is built from: the base settings and the endpoint DescribeEndpoint named. */
export type EndpointClientConfig = ReturnType<typeof baseClientConfig> & { endpoint: string };

/**
 * The AWS clients of one handler instance. The data-plane clients are built on first use from
 * DescribeEndpoint and kept for the instance's life; a failed lookup is forgotten so the next
 * invocation asks again. The jobs data-plane client is made by the module that calls it
 * (`endpointClient`), so that a handler which never calls it does not bundle it.
 */
export class HandlerClients {
  readonly iot: IoTClient;
  readonly iotData: (invocation: Invocation) => Promise<IoTDataPlaneClient>;
  private readonly endpointClients = new Map<EndpointType, (invocation: Invocation) => Promise<unknown>>();

  constructor(private readonly config: ClientConfig) {
    const iot = new IoTClient(controlPlaneConfig(config));
    this.iot = iot;
    this.iotData = asyncCache(
      async (invocation: Invocation) =>
        new IoTDataPlaneClient({ ...baseClientConfig(config), endpoint: await lookUp(iot, 'iot:Data-ATS', invocation) }),
    );
  }

  /** The instance's client of `endpointType`, made by `make` on first use; one per endpoint type. */
  endpointClient<T>(endpointType: EndpointType, make: (config: EndpointClientConfig) => T, invocation: Invocation): Promise<T> {
    let cached = this.endpointClients.get(endpointType);
    if (cached === undefined) {
      cached = asyncCache(async (first: Invocation) =>
        make({ ...baseClientConfig(this.config), endpoint: await lookUp(this.iot, endpointType, first) }),
      );
      this.endpointClients.set(endpointType, cached);
    }
    return cached(invocation) as Promise<T>;
  }
}

async function lookUp(iot: IoTClient, endpointType: EndpointType, invocation: Invocation): Promise<string> {
  const answer = await invocation.call('DescribeEndpoint', () => iot.send(new DescribeEndpointCommand({ endpointType })));
  if (answer.endpointAddress === undefined || answer.endpointAddress === '') {
    throw new Error(`DescribeEndpoint returned no address for ${endpointType}`);
  }
  return endpointUrl(answer.endpointAddress);
}
