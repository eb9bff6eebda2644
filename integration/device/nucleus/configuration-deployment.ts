import { randomUUID } from 'node:crypto';
import { mergeTree, type ConfigTree } from './config-store.js';
import { readPointer } from './recipe-variables.js';
import type { ValidationBroker } from './validation-broker.js';

/** A deployment's `configurationUpdate` for the component: RESET paths first, then MERGE. */
export interface ConfigurationUpdate {
  merge?: ConfigTree;
  /** JSON pointers reset to the recipe's default (or removed when it has none). */
  reset?: string[];
}

export interface DeploymentResult {
  deploymentId: string;
  status: 'SUCCEEDED' | 'FAILED';
  message: string;
}

function resetPaths(current: ConfigTree, defaults: ConfigTree, pointers: readonly string[]): ConfigTree {
  let result = structuredClone(current);
  for (const pointer of pointers) {
    if (pointer === '' || pointer === '/') {
      result = structuredClone(defaults);
      continue;
    }
    const keys = pointer
      .replace(/^\//, '')
      .split('/')
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let node: unknown = result;
    for (const key of keys) node = typeof node === 'object' && node !== null ? (node as ConfigTree)[key] : undefined;
    if (typeof node !== 'object' || node === null) continue;
    const fallback = readPointer(defaults, pointer);
    if (fallback === undefined) delete (node as ConfigTree)[last];
    else (node as ConfigTree)[last] = structuredClone(fallback);
  }
  return result;
}

/** The configuration a deployment proposes, before interpolation. */
export function proposeConfiguration(current: ConfigTree, defaults: ConfigTree, update: ConfigurationUpdate): ConfigTree {
  return mergeTree(resetPaths(current, defaults, update.reset ?? []), update.merge ?? {});
}

/**
 * Asks the running component to validate a proposal as the nucleus does before it merges one;
 * resolves with the failure message, or undefined when the proposal may apply.
 */
export async function validateProposal(
  validation: ValidationBroker,
  component: string,
  configuration: ConfigTree,
  timeoutMs: number,
  deploymentId: string = randomUUID(),
): Promise<{ deploymentId: string; failure?: string }> {
  try {
    const report = await validation.validate(component, { deploymentId, configuration }, timeoutMs);
    if (report?.status === 'REJECTED') {
      return {
        deploymentId,
        failure: `Components reported that their to-be-deployed configuration is invalid { name = ${component}, message = ${report.message} }`,
      };
    }
    return { deploymentId };
  } catch (error) {
    return { deploymentId, failure: `Error while waiting for validation report for one or more components:${(error as Error).message}` };
  }
}
