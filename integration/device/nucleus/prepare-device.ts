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
  /** Undefined until a deployment brings one (a core that receives its component from the cloud). */
  component: PublishedComponent | undefined;
  layout: DeviceLayout;
  config: ConfigStore;
  channel: RestartChannel;
  log: ComponentLog | undefined;
  defaults: ConfigTree;
}

/** Where a core keeps its files before any component is deployed to it. */
const NO_COMPONENT = { name: 'none', version: '0.0.0' };

async function localComponent(deployment: NonNullable<NucleusOptions['deployment']>, root: string): Promise<PublishedComponent> {
  if ('published' in deployment) return deployment.published;
  return publishComponent({
    ...deployment,
    storeDir: deployment.storeDir ?? path.join(path.dirname(root), `${path.basename(root)}-component-store`),
  });
}

/**
 * A device side up to the first start: the root laid out, the nucleus's and other services'
 * configuration in place and, for a local deployment, the component published (digest computed)
 * from the build output and its artifacts verified and unarchived.
 */
export async function prepareDevice(options: NucleusOptions): Promise<PreparedDevice> {
  const component = options.deployment ? await localComponent(options.deployment, options.root) : undefined;
  const layout = deviceLayout(options.root, options.thingName, component ?? NO_COMPONENT);
  if (component) await installArtifacts(options.root, component, options.logger);
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
    options.provisionedByClaim ?? false,
  );
  config.setService(
    NUCLEUS_SERVICE,
    { interpolateComponentConfiguration: true, ...options.nucleusConfiguration },
    { componentType: 'NUCLEUS' },
  );
  for (const [name, configuration] of Object.entries(options.otherServices ?? {})) config.setService(name, configuration);
  return {
    component,
    layout,
    config,
    channel: await RestartChannel.create(layout.standInDir),
    log: component ? new ComponentLog(layout.logPath, component.name) : undefined,
    defaults: component?.recipe.ComponentConfiguration?.DefaultConfiguration ?? {},
  };
}

/** `mqtt.maxMessageSizeInBytes` of the nucleus configuration, when set. */
export function maxMessageSize(nucleus: ConfigTree | undefined): { maxMessageBytes?: number } {
  const value = (nucleus?.mqtt as ConfigTree | undefined)?.maxMessageSizeInBytes;
  return typeof value === 'number' && value > 0 ? { maxMessageBytes: value } : {};
}
