// The cellular domain's public face.
export type { CellularService } from './cellular.service.js';
export type { CellularChange, ChangeKind } from './cellular.store.js';
export type { CellularHistoryStore, UsageWindow } from './cellular-history.store.js';
export { cellularGroupPlanReferences } from './group-references.js';
