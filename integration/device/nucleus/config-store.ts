import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
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

/** The credential paths a core provisioned by claim has only in its transaction log. */
const CLAIMED_KEYS = ['certificateFilePath', 'privateKeyPath'] as const;

/** One line of the nucleus's transaction log (Tlogline: timestamp, topic path, what happened, value). */
const tlogLine = (timestamp: number, key: string, value: string): string =>
  `${JSON.stringify({ TS: timestamp, TP: ['system', key], W: 'changed', V: value })}\n`;

/**
 * The nucleus's configuration: `system`, and `services.<name>.configuration` for the nucleus,
 * the deployed component and any other services (Pkcs11Provider), written out as
 * `config/effectiveConfig.yaml` whenever it changes, as Greengrass keeps it.
 *
 * A core provisioned by claim (AWS IoT fleet provisioning) is laid out as such a core is: its
 * `effectiveConfig.yaml` leaves `system.certificateFilePath` and `system.privateKeyPath` empty,
 * and `config/config.tlog` records them, first empty (the initial configuration) and then set by
 * the provisioning plugin.
 */
export class ConfigStore {
  private readonly services = new Map<string, { configuration: ConfigTree; componentType?: string; version?: string }>();
  private readonly changeListeners: Array<(component: string, keys: string[]) => void> = [];
  private tlogWritten = false;

  constructor(
    readonly system: SystemConfiguration,
    private readonly effectiveConfigPath: string,
    private readonly provisionedByClaim = false,
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
    this.setService(name, configuration, {
      ...(service?.componentType ? { componentType: service.componentType } : {}),
      ...(service?.version ? { version: service.version } : {}),
    });
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
    const system = this.provisionedByClaim ? { ...this.system, ...Object.fromEntries(CLAIMED_KEYS.map((k) => [k, ''])) } : this.system;
    return { system, services };
  }

  async write(): Promise<void> {
    await mkdir(path.dirname(this.effectiveConfigPath), { recursive: true });
    if (this.provisionedByClaim && !this.tlogWritten) await this.writeClaimTlog();
    const temporary = `${this.effectiveConfigPath}.tmp`;
    await writeFile(temporary, stringify(this.toDocument()));
    await rename(temporary, this.effectiveConfigPath);
  }

  private async writeClaimTlog(): Promise<void> {
    const provisionedAt = Date.now();
    const lines = [
      ...CLAIMED_KEYS.map((key) => tlogLine(provisionedAt - 1000, key, '')),
      ...(['rootCaPath', 'rootpath', 'thingName'] as const).map((key) => tlogLine(provisionedAt - 1000, key, this.system[key])),
      ...CLAIMED_KEYS.map((key) => tlogLine(provisionedAt, key, this.system[key])),
    ];
    await appendFile(path.join(path.dirname(this.effectiveConfigPath), 'config.tlog'), lines.join(''));
    this.tlogWritten = true;
  }
}
