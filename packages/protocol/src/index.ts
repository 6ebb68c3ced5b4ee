export * from './topics.js';
export * from './errors.js';
export * from './device-messages.js';
export * from './validate.js';
export * from './api-types.js';
