import path from 'node:path';
import { ConfigStore, type ConfigTree } from './config-store.js';
import { installArtifacts } from './deployment/install-artifacts.js';
import { publishComponent, type PublishedComponent } from './deployment/publish.js';
import { deviceLayout, prepareRoot, type DeviceLayout } from './device-layout.js';
import { ComponentLog } from './lifecycle/component-log.js';
import { RestartChannel } from './lifecycle/restart-channel.js';
import type { NucleusOptions } from './nucleus-options.js';

export const NUCLEUS_SERVICE = 'aws.greengrass.Nucleus';

export interface PreparedDevice {
  component: PublishedComponent;
  layout: DeviceLayout;
  config: ConfigStore;
  channel: RestartChannel;
  log: ComponentLog;
  defaults: ConfigTree;
}

/**
 * A deployment's device side up to the first start: the component published (digest computed)
 * when given the build output, its artifacts verified and unarchived, the root laid out, the
 * nucleus's and other services' configuration in place.
 */
export async function prepareDevice(options: NucleusOptions): Promise<PreparedDevice> {
  const component =
    'published' in options.deployment
      ? options.deployment.published
      : await publishComponent({
          ...options.deployment,
          storeDir: options.deployment.storeDir ?? path.join(path.dirname(options.root), `${path.basename(options.root)}-component-store`),
        });
  const layout = deviceLayout(options.root, options.thingName, component);
  await installArtifacts(options.root, component, options.logger);
  const credentials = options.credentials;
  await prepareRoot(layout, options.broker.caPem, credentials.kind === 'files' ? credentials : undefined);
  const config = new ConfigStore(
    {
      certificateFilePath: credentials.kind === 'pkcs11' ? credentials.certificateFilePath : layout.certificateFilePath,
      privateKeyPath: credentials.kind === 'pkcs11' ? credentials.privateKeyPath : layout.privateKeyPath,
      rootCaPath: layout.rootCaPath,
      rootpath: options.root,
      thingName: options.thingName,
    },
    layout.effectiveConfigPath,
  );
  config.setService(NUCLEUS_SERVICE, { interpolateComponentConfiguration: true, ...options.nucleusConfiguration }, { componentType: 'NUCLEUS' });
  for (const [name, configuration] of Object.entries(options.otherServices ?? {})) config.setService(name, configuration);
  return {
    component,
    layout,
    config,
    channel: await RestartChannel.create(layout.standInDir),
    log: new ComponentLog(layout.logPath, component.name),
    defaults: component.recipe.ComponentConfiguration?.DefaultConfiguration ?? {},
  };
}

/** `mqtt.maxMessageSizeInBytes` of the nucleus configuration, when set. */
export function maxMessageSize(nucleus: ConfigTree | undefined): { maxMessageBytes?: number } {
  const value = (nucleus?.mqtt as ConfigTree | undefined)?.maxMessageSizeInBytes;
  return typeof value === 'number' && value > 0 ? { maxMessageBytes: value } : {};
}
