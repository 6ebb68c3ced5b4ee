// The cellular domain's public face.
export type { CellularService } from './cellular.service.js';
export type { CellularChange, ChangeKind } from './cellular.store.js';
