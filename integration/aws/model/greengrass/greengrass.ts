import type { AccountContext } from '../arn.js';
import type { Clock } from '../clock.js';
import type { JobsService } from '../jobs/jobs-service.js';
import type { ThingStore } from '../registry/things.js';
import type { S3Buckets } from '../s3-buckets.js';
import { ComponentStore } from './components.js';
import { CoreDevices, FLEET_STATUS_TOPIC } from './core-devices.js';
import { GreengrassDeployments } from './deployments.js';

/** AWS IoT Greengrass V2 in one account and region: components, deployments, core devices. */
export class GreengrassService {
  readonly components: ComponentStore;
  readonly deployments: GreengrassDeployments;
  readonly coreDevices: CoreDevices;

  constructor(ctx: AccountContext, clock: Clock, deps: { jobs: JobsService; things: ThingStore; s3: S3Buckets }) {
    const now = (): number => clock.now();
    this.components = new ComponentStore(ctx, now, deps.s3);
    this.deployments = new GreengrassDeployments(ctx, clock, deps.jobs, deps.things);
    this.coreDevices = new CoreDevices(deps.things, now);
  }

  /** A message a device published (the broker has checked that it speaks for the thing in the topic). */
  handleDeviceMessage(topic: string, payload: Buffer): boolean {
    const thingName = FLEET_STATUS_TOPIC.exec(topic)?.[1];
    return thingName === undefined ? false : this.coreDevices.report(thingName, payload);
  }
}
