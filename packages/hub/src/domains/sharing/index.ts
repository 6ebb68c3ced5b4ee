// The sharing domain's public face: what other parts of the hub may use of it.
export type { SharedPoint, SharedDevice, SharingChange } from './shared-points.js';
export type { PointStatus } from './point-status.js';
export type { WriteOutcome, WriteStatus } from './scada-writes.js';
export type { EdgeNodeStatus } from './sparkplug/edge-node.js';
