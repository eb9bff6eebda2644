/**
 * The wire contract: every topic, payload, name and rule that the component, the backend's
 * functions, its CDK construct and the local stand-in share with each other and with the original.
 */
export * from './identifiers.js';
export * from './topics.js';
export * from './job-document.js';
export * from './device-payloads.js';
export * from './replies.js';
export * from './requests.js';
export * from './names.js';
export * from './rule-sql.js';
