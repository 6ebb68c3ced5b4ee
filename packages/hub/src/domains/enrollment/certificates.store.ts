import type { DeviceCertificate } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { deviceIdsWhere, type DeviceWhere } from '../devices/index.js';

/** Live certificates (not revoked, not expired) of one CA, and the devices holding them. */
export interface LiveByCa {
  caId: string;
  certificates: number;
  devices: number;
}

/** Every device certificate the hub issued, and which are revoked. */
export interface CertificatesStore {
  insert(c: Omit<DeviceCertificate, 'revokedAt' | 'revokeReason'>): Promise<void>;
  /** Per CA: live certificates at `now` and the devices holding them (of the devices `where` selects). */
  liveByCa(now: string, where?: DeviceWhere | null): Promise<LiveByCa[]>;
  /** Devices holding a live certificate of one of these CAs, at most `limit`. */
  devicesOnCas(caIds: string[], now: string, limit: number): Promise<string[]>;
  /** Devices (of those `where` selects) whose newest live certificate lapses after `now` but before `until`. */
  lapsingCount(now: string, until: string, where?: DeviceWhere | null): Promise<number>;
  /** Revokes every live certificate a CA issued (the CA is retired); returns how many. */
  revokeAllOfCa(caId: string, at: string, reason: string): Promise<number>;
  get(serial: string): Promise<DeviceCertificate | null>;
  /**
   * What admission needs on every device connection, in one lookup: the certificate and whether it is
   * the device's pending renewal (issued, not yet used), whose first use retires the ones before it.
   */
  forAdmission(serial: string): Promise<(DeviceCertificate & { renewalPending: boolean }) | null>;
  ofDevice(deviceId: string): Promise<DeviceCertificate[]>;
  revokeAllOf(deviceId: string, at: string, reason: string): Promise<number>;
  /** Revokes every unrevoked certificate of the device but `keepSerial` (a renewal took over). */
  revokeAllBut(deviceId: string, keepSerial: string, at: string, reason: string): Promise<number>;
  /** Revoked certificates not yet expired at `now` (what a revocation list must name), oldest revocation first. */
  revokedUnexpired(now: string): Promise<Array<{ serial: string; caId: string; revokedAt: string }>>;
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
    ca_id: string;
  }) => ({
    serial: r.serial,
    deviceId: r.device_id,
    fingerprint: r.fingerprint,
    issuedAt: r.issued_at,
    notAfter: r.not_after,
    revokedAt: r.revoked_at,
    revokeReason: r.revoke_reason,
    caId: r.ca_id,
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
          ca_id: c.caId,
        })
        .execute();
    },
    async liveByCa(now, where = null) {
      let q = db
        .selectFrom('certificates')
        .select((eb) => [
          'ca_id',
          eb.fn.countAll<number>().as('certificates'),
          eb.fn.count<number>('device_id').distinct().as('devices'),
        ])
        .where('revoked_at', 'is', null)
        .where('not_after', '>', now)
        .groupBy('ca_id');
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      const rows = await q.execute();
      return rows.map((r) => ({ caId: r.ca_id, certificates: Number(r.certificates), devices: Number(r.devices) }));
    },
    async devicesOnCas(caIds, now, limit) {
      if (caIds.length === 0) return [];
      const rows = await db
        .selectFrom('certificates')
        .select('device_id')
        .distinct()
        .where('ca_id', 'in', caIds)
        .where('revoked_at', 'is', null)
        .where('not_after', '>', now)
        .limit(limit)
        .execute();
      return rows.map((r) => r.device_id);
    },
    async lapsingCount(now, until, where = null) {
      let live = db
        .selectFrom('certificates')
        .select((eb) => ['device_id', eb.fn.max('not_after').as('last')])
        .where('revoked_at', 'is', null)
        .where('not_after', '>', now);
      if (where) live = live.where('device_id', 'in', deviceIdsWhere(where));
      const newest = live.groupBy('device_id').as('newest');
      const r = await db
        .selectFrom(newest)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('newest.last', '<', until)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async revokeAllOfCa(caId, at, reason) {
      const [r] = await db
        .updateTable('certificates')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('ca_id', '=', caId)
        .where('revoked_at', 'is', null)
        .execute();
      return Number(r?.numUpdatedRows ?? 0);
    },
    async get(serial) {
      const r = await db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirst();
      return r ? map(r) : null;
    },
    async forAdmission(serial) {
      const r = await db
        .selectFrom('certificates as c')
        .leftJoin('device_cert_renewals as r', (j) =>
          j
            .onRef('r.device_id', '=', 'c.device_id')
            .on('r.state', '=', 'pending')
            .onRef('r.pending_serial', '=', 'c.serial'),
        )
        .selectAll('c')
        .select('r.device_id as pending_of')
        .where('c.serial', '=', serial)
        .executeTakeFirst();
      return r ? { ...map(r), renewalPending: r.pending_of !== null } : null;
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
    async revokedUnexpired(now) {
      const rows = await db
        .selectFrom('certificates')
        .select(['serial', 'ca_id', 'revoked_at'])
        .where('revoked_at', 'is not', null)
        .where('not_after', '>', now)
        .orderBy('revoked_at')
        .execute();
      return rows.map((r) => ({ serial: r.serial, caId: r.ca_id, revokedAt: r.revoked_at! }));
    },
  };
}
