import type { Db } from '../../storage/database.js';

export interface CertificateRow {
  serial: string;
  deviceId: string;
  fingerprint: string;
  issuedAt: string;
  notAfter: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

/** Every device certificate the hub issued, and which are revoked. */
export interface CertificatesStore {
  insert(c: Omit<CertificateRow, 'revokedAt' | 'revokeReason'>): Promise<void>;
  get(serial: string): Promise<CertificateRow | null>;
  ofDevice(deviceId: string): Promise<CertificateRow[]>;
  revokeAllOf(deviceId: string, at: string, reason: string): Promise<number>;
  /** Revokes every unrevoked certificate of the device but `keepSerial` (a renewal took over). */
  revokeAllBut(deviceId: string, keepSerial: string, at: string, reason: string): Promise<number>;
}

export function createCertificatesStore(db: Db): CertificatesStore {
  const map = (r: {
    serial: string;
    device_id: string;
    fingerprint: string;
    issued_at: string;
    not_after: string;
    revoked_at: string | null;
    revoke_reason: string | null;
  }) => ({
    serial: r.serial,
    deviceId: r.device_id,
    fingerprint: r.fingerprint,
    issuedAt: r.issued_at,
    notAfter: r.not_after,
    revokedAt: r.revoked_at,
    revokeReason: r.revoke_reason,
  });
  return {
    async insert(c) {
      await db
        .insertInto('certificates')
        .values({
          serial: c.serial,
          device_id: c.deviceId,
          fingerprint: c.fingerprint,
          issued_at: c.issuedAt,
          not_after: c.notAfter,
        })
        .execute();
    },
    async get(serial) {
      const r = await db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirst();
      return r ? map(r) : null;
    },
    async ofDevice(deviceId) {
      return (
        await db.selectFrom('certificates').selectAll().where('device_id', '=', deviceId).orderBy('issued_at').execute()
      ).map(map);
    },
    async revokeAllOf(deviceId, at, reason) {
      const [r] = await db
        .updateTable('certificates')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('device_id', '=', deviceId)
        .where('revoked_at', 'is', null)
        .execute();
      return Number(r?.numUpdatedRows ?? 0);
    },
    async revokeAllBut(deviceId, keepSerial, at, reason) {
      const [r] = await db
        .updateTable('certificates')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('device_id', '=', deviceId)
        .where('serial', '!=', keepSerial)
        .where('revoked_at', 'is', null)
        .execute();
      return Number(r?.numUpdatedRows ?? 0);
    },
  };
}
