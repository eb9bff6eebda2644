/**
 * The AWS side of the stand-in as the rest of the tree sees it: start it, and the few facts about
 * AWS IoT that composing a fleet needs. Everything else under integration/aws/ is its inside.
 */
export { startAwsStandIn, type AwsStandIn, type AwsStandInOptions, type HttpEndpoint } from './stand-in.js';
// The parts of a running stand-in that benchmarks and tests read or wrap.
export type { AwsModel } from './model/aws-model.js';
export type { RulesEngine, RuleFunction } from './rules/rules-engine.js';
export { isTerminal, type JobExecution } from './model/jobs/types.js';
export { stderrLogger, type LogLevel } from './logger.js';
export { certificateIdOf } from './model/registry/certificates.js';
export { ALLOW_ALL_POLICY } from './model/registry/registry.js';
export { CloudFormationStack, type Template } from './cloudformation/stack.js';
export { ACCOUNT_CONCURRENCY_LIMIT } from './lambda/concurrency.js';
export type { SdkClientConfig } from './http/client-config.js';
export type { LogGroups } from './lambda/log-groups.js';
export { OffsetClock, type Clock } from './model/clock.js';
export type { ValidityPeriod } from './model/ca/local-authorities.js';
// The HTTP APIs' fault hooks (throttling), which standIn.http.api carries untyped.
export type { HttpApi } from './http/api.js';
export { AWS_API_QUOTAS, quotaOf, type ApiQuota } from './http/api-quotas.js';
export { leastPrivilegeCorePolicy, PERMISSIVE_CORE_POLICY } from './policy/core-policies.js';
export { certificateArn, thingArn } from './model/arn.js';
// The stand-in's crypto provider and X.509 library, for suites that forge what a device would send.
export { cryptoProvider } from './model/ca/keys.js';
export * as x509 from './model/ca/x509.js';
export type { BrokerMessage } from './broker/iot-broker.js';
export type { Direction, HookOutcome, MessageFaultOptions } from './broker/faults.js';
