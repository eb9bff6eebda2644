/**
 * The AWS side of the stand-in as the rest of the tree sees it: start it, and the few facts about
 * AWS IoT that composing a fleet needs. Everything else under integration/aws/ is its inside.
 */
export { startAwsStandIn, type AwsStandIn, type AwsStandInOptions, type HttpEndpoint } from './stand-in.js';
export { stderrLogger, type LogLevel } from './logger.js';
export { certificateIdOf } from './model/registry/certificates.js';
export { ALLOW_ALL_POLICY } from './model/registry/registry.js';
export { thingArn } from './model/arn.js';
export { isTerminal } from './model/jobs/types.js';
export type { BrokerMessage } from './broker/iot-broker.js';
export type { Direction, HookOutcome, MessageFaultOptions } from './broker/faults.js';
