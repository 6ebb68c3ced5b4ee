// The streams domain's public face: other domains import only this.
export type { StreamValue, StreamDefinition, RollupRow, RollupTier, StreamsReader } from './streams.types.js';
export type { PointState } from './streams.store.js';
export type { HubDeviceEvent } from './streams.service.js';
