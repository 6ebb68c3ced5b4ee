// Tables of the enrollment domain's certificate renewal (migration 012, see cert-renewals.migration.ts).

/** Where each device stands with its certificate: the last renewal, its failures, the last refusal at the broker. */
export interface DeviceCertRenewalsTable {
  device_id: string;
  /** none (never renewed) | pending (issued, not yet used) | renewed (in use) | failed (last attempt failed). */
  state: string;
  /** SHA-256 of the public key of the certificate issued last (enrollment or renewal). */
  key_sha256: string | null;
  pending_serial: string | null;
  last_issued_at: string | null;
  renewed_at: string | null;
  renewals: number;
  /** Failed attempts since the last success. */
  failures: number;
  last_failure: string | null;
  last_failure_at: string | null;
  refused_reason: string | null;
  refused_at: string | null;
}

export interface EnrollmentTables {
  device_cert_renewals: DeviceCertRenewalsTable;
}
