import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export type ConfigTree = Record<string, unknown>;

export interface SystemConfiguration {
  certificateFilePath: string;
  privateKeyPath: string;
  rootCaPath: string;
  rootpath: string;
  thingName: string;
}

const isTree = (value: unknown): value is ConfigTree => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Greengrass's MERGE: maps merge key by key, anything else (lists included) replaces. */
export function mergeTree(base: ConfigTree, update: ConfigTree): ConfigTree {
  const result: ConfigTree = { ...base };
  for (const [key, value] of Object.entries(update)) {
    const current = result[key];
    result[key] = isTree(current) && isTree(value) ? mergeTree(current, value) : structuredClone(value);
  }
  return result;
}

/** Top-level keys whose values differ between two trees. */
export function changedKeys(before: ConfigTree, after: ConfigTree): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/**
 * The nucleus's configuration: `system`, and `services.<name>.configuration` for the nucleus,
 * the deployed component and any other services (Pkcs11Provider), written out as
 * `config/effectiveConfig.yaml` whenever it changes, as Greengrass keeps it.
 */
export class ConfigStore {
  private readonly services = new Map<string, { configuration: ConfigTree; componentType?: string; version?: string }>();
  private readonly changeListeners: Array<(component: string, keys: string[]) => void> = [];

  constructor(
    readonly system: SystemConfiguration,
    private readonly effectiveConfigPath: string,
  ) {}

  hasService(name: string): boolean {
    return this.services.has(name);
  }

  configuration(name: string): ConfigTree | undefined {
    const service = this.services.get(name);
    return service === undefined ? undefined : structuredClone(service.configuration);
  }

  setService(name: string, configuration: ConfigTree, details: { componentType?: string; version?: string } = {}): void {
    const before = this.services.get(name)?.configuration ?? {};
    this.services.set(name, { configuration: structuredClone(configuration), ...details });
    const keys = changedKeys(before, configuration);
    if (keys.length > 0) for (const listener of this.changeListeners) listener(name, keys);
  }

  setConfiguration(name: string, configuration: ConfigTree): void {
    const service = this.services.get(name);
    this.setService(name, configuration, { ...(service?.componentType ? { componentType: service.componentType } : {}), ...(service?.version ? { version: service.version } : {}) });
  }

  onChange(listener: (component: string, keys: string[]) => void): () => void {
    this.changeListeners.push(listener);
    return () => {
      const index = this.changeListeners.indexOf(listener);
      if (index >= 0) this.changeListeners.splice(index, 1);
    };
  }

  toDocument(): ConfigTree {
    const services: ConfigTree = {};
    for (const [name, service] of this.services) {
      services[name] = {
        ...(service.componentType ? { componentType: service.componentType } : {}),
        ...(service.version ? { version: service.version } : {}),
        configuration: service.configuration,
      };
    }
    return { system: this.system, services };
  }

  async write(): Promise<void> {
    await mkdir(path.dirname(this.effectiveConfigPath), { recursive: true });
    const temporary = `${this.effectiveConfigPath}.tmp`;
    await writeFile(temporary, stringify(this.toDocument()));
    await rename(temporary, this.effectiveConfigPath);
  }
}
