import * as z from 'zod';
import type { AlgorithmConfig } from '../config/algorithms.js';
import type { Logger } from '../../../shared/logging/logger.js';
import type { IpcClient } from './ipc-client.js';
import { describeIpcError } from './ipc-error.js';

/** The part of the IPC client configuration handling uses; tests hand in a fake. */
export type IpcConfigurationClient = Pick<
  IpcClient,
  'getConfiguration' | 'subscribeToValidateConfigurationUpdates' | 'sendConfigurationValidityReport'
>;

/** Same contract as config/validate.ts's `validateAlgorithmConfig`, injected to keep this module about IPC. */
export type AlgorithmConfigValidator = (
  candidate: unknown,
) => { valid: true; config: AlgorithmConfig; message?: string } | { valid: false; message: string };

type ValidityStatus = Parameters<IpcClient['sendConfigurationValidityReport']>[0]['configurationValidityReport']['status'];
const VALIDITY = { accepted: 'ACCEPTED' as ValidityStatus, rejected: 'REJECTED' as ValidityStatus };

export const ACCEPTED_MESSAGE = 'Valid key and signing algorithm configuration';

const getConfigurationResponseSchema = z.object({ value: z.unknown() });

/**
 * GetConfiguration of a component (this one when `componentName` is omitted) at `keyPath`
 * (the whole configuration when empty). The caller validates the value's shape.
 */
export async function getComponentConfiguration(
  client: Pick<IpcConfigurationClient, 'getConfiguration'>,
  componentName?: string,
  keyPath: string[] = [],
): Promise<unknown> {
  let response: unknown;
  try {
    response = await client.getConfiguration(componentName === undefined ? { keyPath } : { componentName, keyPath });
  } catch (error) {
    throw new Error(`GetConfiguration of ${componentName ?? 'this component'} failed: ${describeIpcError(error)}`);
  }
  const parsed = getConfigurationResponseSchema.safeParse(response);
  if (!parsed.success) {
    throw new Error(`GetConfiguration of ${componentName ?? 'this component'}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data.value;
}

/** Reads and validates this component's `keyAlgorithm` and `signingAlgorithm`. */
export async function readAlgorithmConfiguration(
  client: Pick<IpcConfigurationClient, 'getConfiguration'>,
  validate: AlgorithmConfigValidator,
): Promise<AlgorithmConfig> {
  const value = await getComponentConfiguration(client);
  const result = validate(value);
  if (!result.valid) throw new Error(`Component configuration is invalid: ${result.message}`);
  return result.config;
}

const validateEventSchema = z.object({
  validateConfigurationUpdateEvent: z.object({
    deploymentId: z.string().min(1),
    configuration: z.unknown().optional(),
  }),
});

export interface ConfigurationValidationOptions {
  validate: AlgorithmConfigValidator;
  /** Called after an ACCEPTED report for a proposal; the new algorithms apply from then on. */
  onAccepted: (config: AlgorithmConfig) => void;
  logger: Logger;
}

export interface ConfigurationValidationHandle {
  close(): Promise<void>;
}

/**
 * Answers every configuration proposed by a deployment with SendConfigurationValidityReport:
 * REJECTED (with the validator's reason) fails the deployment; ACCEPTED lets it proceed.
 */
export async function subscribeToConfigurationValidation(
  client: IpcConfigurationClient,
  options: ConfigurationValidationOptions,
): Promise<ConfigurationValidationHandle> {
  const { logger } = options;
  const operation = client.subscribeToValidateConfigurationUpdates({});
  operation.on('message', (event) => {
    void answerProposal(client, options, event);
  });
  operation.on('streamError', (error) => logger.error('Configuration validation stream error', { error: describeIpcError(error) }));
  operation.on('ended', () => logger.warn('Configuration validation stream ended'));
  try {
    await operation.activate();
  } catch (error) {
    await operation.close().catch(() => undefined);
    throw new Error(`SubscribeToValidateConfigurationUpdates failed: ${describeIpcError(error)}`);
  }
  return { close: () => operation.close() };
}

async function answerProposal(
  client: Pick<IpcConfigurationClient, 'sendConfigurationValidityReport'>,
  options: ConfigurationValidationOptions,
  event: unknown,
): Promise<void> {
  const { logger } = options;
  const parsed = validateEventSchema.safeParse(event);
  if (!parsed.success) {
    // Without a deployment id there is nothing to answer; the nucleus times the proposal out.
    logger.warn('Ignoring malformed configuration validation event', { error: z.prettifyError(parsed.error) });
    return;
  }
  const { deploymentId, configuration } = parsed.data.validateConfigurationUpdateEvent;
  logger.info('Validating proposed configuration', { deploymentId, ...proposedAlgorithms(configuration) });
  const result = options.validate(configuration);
  const status = result.valid ? VALIDITY.accepted : VALIDITY.rejected;
  const message = result.message ?? ACCEPTED_MESSAGE;
  // A valid proposal applies even if the report is lost: the nucleus then proceeds on timeout.
  if (result.valid) options.onAccepted(result.config);
  try {
    await client.sendConfigurationValidityReport({ configurationValidityReport: { status, deploymentId, message } });
  } catch (error) {
    logger.error('SendConfigurationValidityReport failed', { deploymentId, error: describeIpcError(error) });
    return;
  }
  logger.info('Answered configuration proposal', { deploymentId, status, message });
}

/** Only the two algorithm fields are logged, never the rest of a proposal. */
function proposedAlgorithms(configuration: unknown): Record<string, unknown> {
  if (typeof configuration !== 'object' || configuration === null) return {};
  const { keyAlgorithm, signingAlgorithm } = configuration as Record<string, unknown>;
  return { keyAlgorithm, signingAlgorithm };
}
