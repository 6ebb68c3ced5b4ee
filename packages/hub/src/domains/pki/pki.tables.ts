// Tables of the pki domain (migration 015, see pki.migration.ts).

/** The hub's certificate authorities: which signs, which are still trusted, which were retired. */
export interface PkiCasTable {
  /** `ca-1`, `ca-2`, … in the order they were created. */
  id: string;
  /** SHA-256 of the certificate DER, lowercase hex. */
  fingerprint: string;
  common_name: string;
  /** active | retiring | retired (ca-set.state.ts). */
  state: string;
  /** File names under the data directory's pki/ folder. */
  cert_file: string;
  key_file: string;
  not_after: string;
  created_at: string;
  retiring_at: string | null;
  retired_at: string | null;
}

export interface PkiTables {
  pki_cas: PkiCasTable;
}
