export * from './topics.js';
export * from './inbound.js';
export * from './outbound.js';
