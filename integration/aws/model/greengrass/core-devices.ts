import { z } from 'zod';
import { notFound } from '../errors.js';
import type { ThingStore } from '../registry/things.js';

/** The nucleus's fleet status message (`FleetStatusDetails`), as far as the service reads it. */
const fleetStatusSchema = z.looseObject({
  ggcVersion: z.string(),
  platform: z.string(),
  architecture: z.string(),
  thing: z.string(),
  overallDeviceStatus: z.enum(['HEALTHY', 'UNHEALTHY']),
  timestamp: z.number(),
  components: z
    .array(
      z.looseObject({
        componentName: z.string(),
        version: z.string(),
        isRoot: z.boolean().optional(),
        status: z.string(),
      }),
    )
    .default([]),
});

export type FleetStatus = z.infer<typeof fleetStatusSchema>;

export interface CoreDevice {
  coreDeviceThingName: string;
  coreVersion: string;
  platform: string;
  architecture: string;
  runtime: string;
  status: 'HEALTHY' | 'UNHEALTHY';
  /** Epoch milliseconds. */
  lastStatusUpdateTimestamp: number;
  components: FleetStatus['components'];
}

export const FLEET_STATUS_TOPIC = /^\$aws\/things\/([^/]+)\/greengrassv2\/health\/json$/;

/**
 * Greengrass core devices as the service knows them: a thing becomes a core device when its
 * nucleus first reports its fleet status over MQTT, and each report updates its status.
 */
export class CoreDevices {
  private readonly devices = new Map<string, CoreDevice>();

  constructor(
    private readonly things: ThingStore,
    private readonly now: () => number,
  ) {}

  /** A device's publish on its fleet status topic; false when the message is not one the service takes. */
  report(thingName: string, payload: Buffer): boolean {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return false;
    }
    const parsed = fleetStatusSchema.safeParse(json);
    if (!parsed.success || parsed.data.thing !== thingName) return false;
    const status = parsed.data;
    this.devices.set(thingName, {
      coreDeviceThingName: thingName,
      coreVersion: status.ggcVersion,
      platform: status.platform,
      architecture: status.architecture,
      runtime: 'aws_nucleus_classic',
      status: status.overallDeviceStatus,
      lastStatusUpdateTimestamp: this.now(),
      components: status.components,
    });
    return true;
  }

  getCoreDevice(thingName: string): CoreDevice {
    const device = this.devices.get(thingName);
    if (!device) throw notFound(`Core device ${thingName} not found`);
    return structuredClone(device);
  }

  listCoreDevices(filter: { thingGroupName?: string; status?: string; runtime?: string } = {}): CoreDevice[] {
    const members = filter.thingGroupName === undefined ? undefined : new Set(this.things.listThingsInThingGroup(filter.thingGroupName));
    return [...this.devices.values()]
      .filter(
        (d) => (members === undefined || members.has(d.coreDeviceThingName)) && (filter.status === undefined || d.status === filter.status),
      )
      .filter((d) => filter.runtime === undefined || d.runtime === filter.runtime)
      .map((d) => structuredClone(d));
  }
}
