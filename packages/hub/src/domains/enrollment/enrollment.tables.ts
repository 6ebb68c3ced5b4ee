// Tables of the enrollment domain created by the first migration: enrollment tokens and the
// certificates issued to devices (renewals have their own file, cert-renewals.tables.ts).

export interface EnrollmentTokensTable {
  id: string;
  secret_hash: string;
  label: string;
  max_uses: number;
  uses: number;
  expires_at: string;
  group_path: string | null;
  tags_json: string;
  created_by: string;
  created_at: string;
  revoked: number;
}

export interface CertificatesTable {
  serial: string;
  device_id: string;
  fingerprint: string;
  issued_at: string;
  not_after: string;
  revoked_at: string | null;
  revoke_reason: string | null;
  /** The CA that issued it (pki_cas.id; migration 015_pki_certificate_issuers). */
  ca_id: string;
}

/** The tables the enrollment domain owns, as Kysely sees them. */
export interface EnrollmentCoreTables {
  enrollment_tokens: EnrollmentTokensTable;
  certificates: CertificatesTable;
}
