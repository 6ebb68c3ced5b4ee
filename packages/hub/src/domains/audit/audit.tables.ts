// Tables of the audit domain: the hash-chained log and the signed heads of the chain.

export interface AuditLogTable {
  seq: number;
  ts: string;
  actor_type: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  source_ip: string | null;
  details_json: string;
  /** JSON of AuditComponent; null on records written before migration 019. */
  component_json: string | null;
  prev_hash: string;
  hash: string;
}

/** Signed heads of the audit chain (audit-checkpoints.ts); also kept outside the database. */
export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  ts: string;
  key_id: string;
  signature: string;
}

/** The tables the audit domain owns, as Kysely sees them. */
export interface AuditTables {
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
}
