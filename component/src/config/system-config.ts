import { parse as parseYaml } from 'yaml';
import { newestTlogEntries, type TlogEntry } from './config-tlog.js';

/** The `system` keys the component reads. */
export type SystemKey = 'certificateFilePath' | 'privateKeyPath' | 'rootCaPath' | 'thingName';
const KEYS: readonly SystemKey[] = ['certificateFilePath', 'privateKeyPath', 'rootCaPath', 'thingName'];

/** Greengrass's own file names under the root (`--provision true` and fleet provisioning write these). */
const DEFAULT_FILES: Partial<Record<SystemKey, string>> = {
  certificateFilePath: 'thingCert.crt',
  privateKeyPath: 'privKey.key',
  rootCaPath: 'rootCA.pem',
};

export interface SystemConfigSources {
  rootPath: string;
  tlogPath: string;
  effectiveConfigPath: string;
  join: (...parts: string[]) => string;
  readFile: (filePath: string) => string;
  fileExists: (filePath: string) => boolean;
}

/** Where a value was found. */
export type SystemConfigPlace = 'config.tlog' | 'effectiveConfig.yaml' | 'default';

export interface SystemConfig {
  /** The key's value, or an Error naming every place looked at and what each held. */
  required(key: SystemKey): string;
  optional(key: SystemKey): string | undefined;
  /** Where the key's value came from, when it has one. */
  placeOf(key: SystemKey): SystemConfigPlace | undefined;
  /** "<tlog> nor <effectiveConfig.yaml>", for messages. */
  places: string;
}

type Lookup = { value: string } | { why: string };

function fromTlog(tlogPath: string, key: SystemKey, entry: TlogEntry | undefined, unreadable: string | undefined): Lookup {
  if (unreadable !== undefined) return { why: `${tlogPath} cannot be read (${unreadable})` };
  if (entry === undefined) return { why: `${tlogPath} has no entry for system.${key}` };
  if (entry.kind === 'removed') return { why: `the newest entry of ${tlogPath} removes system.${key}` };
  if (typeof entry.value !== 'string' || entry.value === '') return { why: `the newest entry of ${tlogPath} for system.${key} is empty` };
  return { value: entry.value };
}

function fromEffectiveConfig(
  file: string,
  key: SystemKey,
  system: Record<string, unknown> | undefined,
  problem: string | undefined,
): Lookup {
  if (problem !== undefined) return { why: `${file} ${problem}` };
  const value = system?.[key];
  if (value === undefined || value === null || value === '') return { why: `${file} has no system.${key}` };
  if (typeof value !== 'string') return { why: `${file} has a system.${key} that is not a string` };
  return { value };
}

/**
 * Where the nucleus keeps the `system` keys: newest `config/config.tlog` entry first (the
 * nucleus's own record, and the only one on cores provisioned by claim, whose
 * `effectiveConfig.yaml` leaves the credential paths empty), then `config/effectiveConfig.yaml`,
 * then Greengrass's default file under the root when it exists.
 */
export function readSystemConfig(sources: SystemConfigSources): SystemConfig {
  let tlogText: string | undefined;
  let tlogProblem: string | undefined;
  try {
    tlogText = sources.readFile(sources.tlogPath);
  } catch (error) {
    tlogProblem = (error as Error).message;
  }
  const tlog = newestTlogEntries(
    tlogText ?? '',
    KEYS.map((key) => ['system', key]),
  );

  let system: Record<string, unknown> | undefined;
  let configProblem: string | undefined;
  try {
    const document: unknown = parseYaml(sources.readFile(sources.effectiveConfigPath));
    const candidate = typeof document === 'object' && document !== null ? (document as Record<string, unknown>)['system'] : undefined;
    if (typeof candidate === 'object' && candidate !== null) system = candidate as Record<string, unknown>;
    else configProblem = 'has no system section';
  } catch (error) {
    configProblem = `cannot be read (${(error as Error).message})`;
  }

  const lookUp = (key: SystemKey): { value?: string; place?: SystemConfigPlace; whys: string[] } => {
    const whys: string[] = [];
    for (const [place, found] of [
      ['config.tlog', fromTlog(sources.tlogPath, key, tlog[KEYS.indexOf(key)], tlogProblem)],
      ['effectiveConfig.yaml', fromEffectiveConfig(sources.effectiveConfigPath, key, system, configProblem)],
    ] as const) {
      if ('value' in found) return { value: found.value, place, whys };
      whys.push(found.why);
    }
    const defaultName = DEFAULT_FILES[key];
    if (defaultName !== undefined) {
      const file = sources.join(sources.rootPath, defaultName);
      if (sources.fileExists(file)) return { value: file, place: 'default', whys };
      whys.push(`Greengrass's default ${file} does not exist`);
    }
    return { whys };
  };

  return {
    required: (key) => {
      const { value, whys } = lookUp(key);
      if (value === undefined) throw new Error(`No usable system.${key}: ${whys.join('; ')}`);
      return value;
    },
    optional: (key) => lookUp(key).value,
    placeOf: (key) => lookUp(key).place,
    places: `${sources.tlogPath} nor ${sources.effectiveConfigPath}`,
  };
}
