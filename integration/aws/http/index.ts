export { startHttpApi, type HttpApi, type HttpApiDeps } from './api.js';
export type { Awaitable, PublishToBroker, TopicRulePayload, TopicRulesPort, TopicRuleView } from './model-port.js';
export type { OperationRef, ServiceName } from './service-name.js';
