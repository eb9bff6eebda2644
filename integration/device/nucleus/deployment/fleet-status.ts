import type { ComponentState } from '../lifecycle/component-runner.js';

/** The nucleus version this stand-in answers for in its fleet status. */
export const NUCLEUS_VERSION = '2.14.0';

export type FleetStatusTrigger = 'NUCLEUS_LAUNCH' | 'THING_GROUP_DEPLOYMENT' | 'COMPONENT_STATUS_CHANGE';

/**
 * The fleet status the nucleus publishes on `$aws/things/<thing>/greengrassv2/health/json`
 * (FleetStatusService's `FleetStatusDetails`): the device is UNHEALTHY while a component is
 * ERRORED or BROKEN.
 */
export function fleetStatusMessage(input: {
  thingName: string;
  sequenceNumber: number;
  trigger: FleetStatusTrigger;
  component?: { name: string; version: string; state: ComponentState; fleetConfigArn?: string };
}): { topic: string; payload: string } {
  const broken = input.component?.state === 'BROKEN' || input.component?.state === 'ERRORED';
  const components = input.component
    ? [
        {
          componentName: input.component.name,
          version: input.component.version,
          fleetConfigArns: input.component.fleetConfigArn ? [input.component.fleetConfigArn] : [],
          isRoot: true,
          status: input.component.state,
        },
      ]
    : [];
  return {
    topic: `$aws/things/${input.thingName}/greengrassv2/health/json`,
    payload: JSON.stringify({
      ggcVersion: NUCLEUS_VERSION,
      platform: 'linux',
      architecture: 'amd64',
      thing: input.thingName,
      overallDeviceStatus: broken ? 'UNHEALTHY' : 'HEALTHY',
      sequenceNumber: input.sequenceNumber,
      timestamp: Date.now(),
      messageType: 'COMPLETE',
      trigger: input.trigger,
      components,
    }),
  };
}
