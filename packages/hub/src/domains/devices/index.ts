import type { DevicesStore } from './devices.store.js';

// The devices domain's public face. Other domains read devices through the directory (never
// the devices tables), choose them with the selector, and hear of membership changes.

/** What other domains may read about devices. */
export type DeviceDirectory = Pick<
  DevicesStore,
  'exists' | 'isActive' | 'get' | 'ids' | 'idsWithin' | 'count' | 'countEach'
>;
/** What enrollment may write: a new device and its certificate. */
export type DeviceRegistry = Pick<DevicesStore, 'exists' | 'isActive' | 'insert' | 'setCertificate'>;

export * from './devices.types.js';
export * from './device-selector.js';
export * from './availability.js';
export * from './membership-events.js';
export * from './fleet-snapshot.store.js';
export type { GatewayHooks } from './devices.gateway.js';
export * from './device-scope.js';
export * from './device-facts.reads.js';
export * from './device-history.reads.js';
export * from './cellular-inventory.store.js';
export * from './data-latest.store.js';
export { renameGroupInFilter, renamedPath, type FilterRewrite } from './filter/index.js';
export * from './device-locations.reads.js';
