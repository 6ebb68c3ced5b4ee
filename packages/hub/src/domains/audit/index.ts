// The audit domain's public face: what other domains may use to record and read the audit trail.
export * from './audit.types.js';
export { GENESIS_HASH, createAuditLog, hashRecord, type AuditLog } from './audit.log.js';
export type { AuditCheckpoints } from './audit-checkpoints.js';
export * from './audit-tail.reads.js';
