import type { CaState } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { PkiCasTable } from './pki.tables.js';

export interface CaRecord {
  id: string;
  fingerprint: string;
  commonName: string;
  state: CaState;
  certFile: string;
  keyFile: string;
  notAfter: string;
  createdAt: string;
  retiringAt: string | null;
  retiredAt: string | null;
}

/** The CA set's records; every change of state is one conditional update. */
export interface CaSetStore {
  /** Oldest first. */
  list(): Promise<CaRecord[]>;
  insert(r: CaRecord): Promise<void>;
  /** Moves `id` from `from` to `to`; false when it was not in `from` (someone else moved it). */
  transition(id: string, from: CaState, to: CaState, at: string): Promise<boolean>;
}

const toRecord = (r: PkiCasTable): CaRecord => ({
  id: r.id,
  fingerprint: r.fingerprint,
  commonName: r.common_name,
  state: r.state as CaState,
  certFile: r.cert_file,
  keyFile: r.key_file,
  notAfter: r.not_after,
  createdAt: r.created_at,
  retiringAt: r.retiring_at,
  retiredAt: r.retired_at,
});

export function createCaSetStore(db: Db): CaSetStore {
  return {
    async list() {
      const rows = await db.selectFrom('pki_cas').selectAll().execute();
      // ca-2 before ca-10: by number, not by text.
      return rows.map(toRecord).sort((a, b) => caNumber(a.id) - caNumber(b.id));
    },
    async insert(r) {
      await db
        .insertInto('pki_cas')
        .values({
          id: r.id,
          fingerprint: r.fingerprint,
          common_name: r.commonName,
          state: r.state,
          cert_file: r.certFile,
          key_file: r.keyFile,
          not_after: r.notAfter,
          created_at: r.createdAt,
          retiring_at: r.retiringAt,
          retired_at: r.retiredAt,
        })
        .execute();
    },
    async transition(id, from, to, at) {
      const [r] = await db
        .updateTable('pki_cas')
        .set({
          state: to,
          ...(to === 'retiring' ? { retiring_at: at } : {}),
          ...(to === 'retired' ? { retired_at: at } : {}),
        })
        .where('id', '=', id)
        .where('state', '=', from)
        .execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
  };
}

/** `ca-12` → 12. */
export function caNumber(id: string): number {
  return Number(id.slice(3));
}
