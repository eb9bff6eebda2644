import { loadEffectiveConfig, credentialMode } from '../config/effective-config.js';
import { validateAlgorithmConfig } from '../config/validate.js';
import { startRotator } from '../runtime/rotator.js';
import { createSystemClock } from '../runtime/system-clock.js';
import { connectIpc } from '../transport/ipc-client.js';
import { createCredentialStore } from './credential-stores.js';
import { EXIT_FAILURE, startComponent } from './start-component.js';
import { StdoutLogger, type FlushableLogger } from './stdout-logger.js';

/** Long enough never to fire; the timer only keeps the event loop alive while waiting for jobs. */
const KEEP_ALIVE_MS = 2 ** 30;

/** Starts the component in this process, as Greengrass runs it. */
export async function run(): Promise<void> {
  const logger = new StdoutLogger();
  // Exit code 0 makes the Run script restart Greengrass, so only the rotator's restart may
  // produce it: any other way out of the process (even an empty event loop) is a failure.
  process.exitCode = EXIT_FAILURE;
  installCrashHandlers(logger);
  setInterval(() => undefined, KEEP_ALIVE_MS);
  try {
    await startComponent({
      logger,
      env: process.env,
      loadEffectiveConfig,
      credentialMode,
      connectIpc: (endpoint) => connectIpc(endpoint, logger),
      createStore: (paths, mode, ipc) => createCredentialStore({ paths, mode, ipc, logger, workDirectory: process.cwd() }),
      validate: validateAlgorithmConfig,
      startRotator,
      clock: createSystemClock(),
      exit: (code) => process.exit(code),
    });
  } catch (error) {
    await failAndExit(logger, 'The certificate rotator could not start', error);
  }
}

function installCrashHandlers(logger: FlushableLogger): void {
  process.on('uncaughtException', (error) => void failAndExit(logger, 'Uncaught exception', error));
  process.on('unhandledRejection', (reason) => void failAndExit(logger, 'Unhandled promise rejection', reason));
}

async function failAndExit(logger: FlushableLogger, what: string, error: unknown): Promise<void> {
  logger.error(what, { error: error instanceof Error ? error.message : String(error) });
  await logger.flush();
  process.exit(EXIT_FAILURE);
}
