import { createHash, X509Certificate } from 'node:crypto';
import { CertificateRefusedError } from '../credentials/certificate-refusal.js';
import { failedPayload, PUBLISH_QOS, SUBSCRIBE_QOS, subscriptionTopics } from '../../../shared/contract/index.js';
import type { Action, EffectResult } from '../fsm/types.js';
import type { IotMessage } from '../transport/iot-mqtt.js';
import type { Clock, RotatorDeps } from './rotator-deps.js';

/** How long one subscription may take before it counts as failed (the original waits 30 s too). */
export const SUBSCRIBE_TIMEOUT_MS = 30_000;

/**
 * How long the state machine waits for one publish to be taken. Events are handled one at a time,
 * so a publish that never answers (its connection dropped under it, or Greengrass stalls) would
 * hold back the state timer's timeout behind it: a core that restarted on the new certificate
 * would then never roll back, and lose its only working credential once the job timed out.
 * Greengrass answers PublishToIoTCore within its MQTT operation timeout, 30 s by default.
 */
export const PUBLISH_TIMEOUT_MS = 30_000;

/** Per-instance context the effects need. */
export interface EffectContext {
  readonly deps: RotatorDeps;
  /** Topics already subscribed, so that a retry does not subscribe twice (and deliver twice). */
  readonly subscribed: Set<string>;
  readonly onMessage: (message: IotMessage) => void;
  /** Fields every log line carries. */
  readonly logFields: () => Record<string, unknown>;
}

type EffectAction = Exclude<Action, { type: 'startTimer' | 'cancelTimer' | 'scheduleResubscribe' | 'restart' }>;

/**
 * Carries out one action through the injected dependencies. Failures never escape: those the
 * state machine decides on become answer events; the others are logged.
 */
export async function runEffect(ctx: EffectContext, action: EffectAction): Promise<EffectResult | undefined> {
  const { deps } = ctx;
  const logger = deps.logger;
  switch (action.type) {
    case 'log':
      logger[action.level](action.message, { ...ctx.logFields(), ...action.fields });
      return undefined;
    case 'publish':
      await publish(ctx, action.topic, action.payload);
      return undefined;
    case 'publishFailed':
      await publish(ctx, action.topic, failedPayload(action.reason, await keptCertificateId(ctx)));
      return undefined;
    case 'subscribe':
      return subscribeAll(ctx);
    case 'queryFact':
      return { type: 'fact', fact: action.fact, value: await queryFact(ctx, action.fact) };
    case 'createCsr':
      return createCsr(ctx);
    case 'rotate': {
      logger.info('Backing up the current certificate and key, installing the new ones', {
        ...ctx.logFields(),
        newCertificateId: certificateId(action.certificatePem),
      });
      try {
        await deps.store.rotate(action.certificatePem);
        return { type: 'rotateDone' };
      } catch (error) {
        if (error instanceof CertificateRefusedError) return { type: 'rotateRefused', reason: error.message };
        return { type: 'rotateFailed', reason: message(error) };
      }
    }
    case 'rollback':
      try {
        await deps.store.rollback();
        logger.info('Rolled back to the backed-up certificate and key', ctx.logFields());
      } catch (error) {
        // The restart that follows every rollback retries it from the start-up checks.
        logger.error('Rollback failed', { ...ctx.logFields(), error: message(error) });
      }
      return undefined;
    case 'deleteBackup':
      try {
        await deps.store.deleteBackup();
      } catch (error) {
        // A leftover backup is overwritten by the next rotation; the job still succeeded.
        logger.error('Deleting the backup failed', { ...ctx.logFields(), error: message(error) });
      }
      return undefined;
  }
}

async function publish(ctx: EffectContext, topic: string, payload: string): Promise<void> {
  const { logger } = ctx.deps;
  logger.info('Publishing', { ...ctx.logFields(), topic });
  try {
    await withTimeout(ctx.deps.clock, ctx.deps.mqtt.publish(topic, payload, PUBLISH_QOS), PUBLISH_TIMEOUT_MS);
  } catch (error) {
    // As in the original, a lost publish is left to the state timer.
    logger.error('Publish failed', { ...ctx.logFields(), topic, error: message(error) });
  }
}

/** The certificate a failure leaves the core with; a store that cannot tell leaves it unsaid. */
async function keptCertificateId(ctx: EffectContext): Promise<string | undefined> {
  try {
    return await ctx.deps.store.keptCertificateId();
  } catch (error) {
    ctx.deps.logger.warn('Cannot tell which certificate the core keeps', { ...ctx.logFields(), error: message(error) });
    return undefined;
  }
}

async function subscribeAll(ctx: EffectContext): Promise<EffectResult> {
  const { deps } = ctx;
  for (const topic of subscriptionTopics(deps.thingName)) {
    if (ctx.subscribed.has(topic)) continue;
    deps.logger.debug('Subscribing', { ...ctx.logFields(), topic });
    try {
      await withTimeout(deps.clock, deps.mqtt.subscribe(topic, SUBSCRIBE_QOS, ctx.onMessage), SUBSCRIBE_TIMEOUT_MS);
      ctx.subscribed.add(topic);
    } catch (error) {
      return { type: 'subscribeFailed', reason: `${topic}: ${message(error)}` };
    }
  }
  return { type: 'subscribed' };
}

async function queryFact(ctx: EffectContext, fact: 'backupExists' | 'credentialsMatch'): Promise<boolean> {
  const { store, logger } = ctx.deps;
  try {
    const value = fact === 'backupExists' ? await store.backupExists() : await store.installedCredentialsMatch();
    logger.debug('Credential store answered', { ...ctx.logFields(), fact, value });
    return value;
  } catch (error) {
    // An unreadable backup cannot be restored, so it counts as none; credentials that cannot be
    // read count as not matching, so that a readable backup is restored.
    logger.error('Credential store query failed', { ...ctx.logFields(), fact, error: message(error) });
    return false;
  }
}

async function createCsr(ctx: EffectContext): Promise<EffectResult> {
  const { store, logger } = ctx.deps;
  const algorithms = ctx.deps.algorithms();
  logger.info('Creating a new key and CSR', { ...ctx.logFields(), ...algorithms });
  try {
    await store.checkSupported(algorithms);
  } catch (error) {
    return { type: 'csrFailed', reason: message(error), unsupported: true };
  }
  try {
    return { type: 'csrCreated', csr: await store.createCsr(algorithms) };
  } catch (error) {
    return { type: 'csrFailed', reason: message(error), unsupported: false };
  }
}

function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number): Promise<T> {
  let handle: unknown;
  const timeout = new Promise<never>((_, reject) => {
    handle = clock.setTimeout(() => reject(new Error(`no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(handle));
}

/** AWS IoT's certificate id (SHA-256 of the DER), for logs: never log the PEM itself. */
function certificateId(pem: string): string {
  try {
    return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
  } catch {
    return 'unparsable certificate';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
