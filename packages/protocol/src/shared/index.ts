export * from './version-order.js';
export * from './canonical-json.js';
export * from './backoff.js';
export * from './csv.js';
export * from './signing-bytes.js';
export * from './version-order.examples.js';
export * from './json-depth.js';
