import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * What a core provisioned by claim shows on disk: the credential paths empty in
 * `effectiveConfig.yaml`, and the newest `config.tlog` entries holding them.
 */
export function claimLayout(root: string): { effective: Record<string, unknown>; tlogPaths: Record<string, unknown> } {
  const document = parse(readFileSync(path.join(root, 'config', 'effectiveConfig.yaml'), 'utf8')) as { system: Record<string, unknown> };
  const tlogPaths: Record<string, unknown> = {};
  for (const line of readFileSync(path.join(root, 'config', 'config.tlog'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')) {
    const entry = JSON.parse(line) as { TP: string[]; V: unknown };
    if (entry.TP[0] === 'system' && (entry.TP[1] === 'certificateFilePath' || entry.TP[1] === 'privateKeyPath'))
      tlogPaths[entry.TP[1]] = entry.V;
  }
  return {
    effective: { certificateFilePath: document.system['certificateFilePath'], privateKeyPath: document.system['privateKeyPath'] },
    tlogPaths,
  };
}

/**
 * Where the component says it found its credential paths, from its start-up line in the
 * component log (`credentialPathsFrom`); one entry per start.
 */
export function credentialPathsFrom(root: string): unknown[] {
  const log = readFileSync(path.join(root, 'logs', 'aws.greengrass.labs.CertificateRotator.log'), 'utf8');
  return log
    .split('\n')
    .filter((line) => line.includes('Greengrass effective configuration read'))
    .map((line) => {
      const json = line.slice(line.indexOf('{'), line.lastIndexOf('}. {scriptName=') + 1);
      return (JSON.parse(json) as { credentialPathsFrom?: unknown }).credentialPathsFrom;
    });
}
