import type { Db } from '../../storage/database.js';
import { deviceIdsWhere, type DeviceWhere } from '../devices/index.js';
import type { DeviceCertRenewalsTable } from './cert-renewals.tables.js';

export type RenewalState = 'none' | 'pending' | 'renewed' | 'failed';

export interface CertRenewalRow {
  deviceId: string;
  state: RenewalState;
  keySha256: string | null;
  pendingSerial: string | null;
  lastIssuedAt: string | null;
  renewedAt: string | null;
  renewals: number;
  failures: number;
  lastFailure: string | null;
  lastFailureAt: string | null;
  refusedReason: string | null;
  refusedAt: string | null;
}

/** Each device's certificate renewal state: one row per device, replaced by conditional updates. */
export interface CertRenewalsStore {
  get(deviceId: string): Promise<CertRenewalRow | null>;
  /** A fresh identity from enrollment: the renewal history restarts, refusals are cleared. */
  enrolled(deviceId: string, keySha256: string): Promise<void>;
  /** A renewed certificate was issued; it is pending until the device connects with it. */
  issued(deviceId: string, serial: string, keySha256: string, at: string): Promise<void>;
  /** The device connected with its pending certificate; false when `serial` was not the pending one. */
  completeIfPending(deviceId: string, serial: string, at: string): Promise<boolean>;
  failed(deviceId: string, reason: string, at: string): Promise<void>;
  refused(deviceId: string, reason: string, at: string): Promise<void>;
  /** Devices whose renewal has failed at least `minFailures` times in a row, most failures first. */
  failing(minFailures: number, limit: number): Promise<CertRenewalRow[]>;
  /** How many devices' renewal has failed at least `minFailures` times in a row. */
  failingCount(minFailures: number, where?: DeviceWhere | null): Promise<number>;
}

const toRow = (r: DeviceCertRenewalsTable): CertRenewalRow => ({
  deviceId: r.device_id,
  state: r.state as RenewalState,
  keySha256: r.key_sha256,
  pendingSerial: r.pending_serial,
  lastIssuedAt: r.last_issued_at,
  renewedAt: r.renewed_at,
  renewals: r.renewals,
  failures: r.failures,
  lastFailure: r.last_failure,
  lastFailureAt: r.last_failure_at,
  refusedReason: r.refused_reason,
  refusedAt: r.refused_at,
});

const empty = (deviceId: string): DeviceCertRenewalsTable => ({
  device_id: deviceId,
  state: 'none',
  key_sha256: null,
  pending_serial: null,
  last_issued_at: null,
  renewed_at: null,
  renewals: 0,
  failures: 0,
  last_failure: null,
  last_failure_at: null,
  refused_reason: null,
  refused_at: null,
});

export function createCertRenewalsStore(db: Db): CertRenewalsStore {
  // Every write is one statement: insert the row if the device has none, else update in place.
  async function upsert(deviceId: string, set: Partial<DeviceCertRenewalsTable>) {
    await db
      .insertInto('device_cert_renewals')
      .values({ ...empty(deviceId), ...set })
      .onConflict((oc) => oc.column('device_id').doUpdateSet(set))
      .execute();
  }
  return {
    async get(deviceId) {
      const r = await db
        .selectFrom('device_cert_renewals')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return r ? toRow(r) : null;
    },
    enrolled: (deviceId, keySha256) => upsert(deviceId, { ...empty(deviceId), key_sha256: keySha256 }),
    issued: (deviceId, serial, keySha256, at) =>
      upsert(deviceId, { state: 'pending', pending_serial: serial, key_sha256: keySha256, last_issued_at: at }),
    async completeIfPending(deviceId, serial, at) {
      // Every admission asks; a read (which never waits for the writer) settles the common case.
      const row = await db
        .selectFrom('device_cert_renewals')
        .select(['state', 'pending_serial'])
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      if (row?.state !== 'pending' || row.pending_serial !== serial) return false;
      const [r] = await db
        .updateTable('device_cert_renewals')
        .set((eb) => ({
          state: 'renewed',
          pending_serial: null,
          renewed_at: at,
          renewals: eb('renewals', '+', 1),
          failures: 0,
          refused_reason: null,
          refused_at: null,
        }))
        .where('device_id', '=', deviceId)
        .where('state', '=', 'pending')
        .where('pending_serial', '=', serial)
        .execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
    async failed(deviceId, reason, at) {
      await db
        .insertInto('device_cert_renewals')
        .values({ ...empty(deviceId), state: 'failed', failures: 1, last_failure: reason, last_failure_at: at })
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet((eb) => ({
            state: 'failed',
            failures: eb('device_cert_renewals.failures', '+', 1),
            last_failure: reason,
            last_failure_at: at,
          })),
        )
        .execute();
    },
    refused: (deviceId, reason, at) => upsert(deviceId, { refused_reason: reason, refused_at: at }),
    async failing(minFailures, limit) {
      const rows = await db
        .selectFrom('device_cert_renewals')
        .selectAll()
        .where('state', '=', 'failed')
        .where('failures', '>=', minFailures)
        .orderBy('failures', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },
    async failingCount(minFailures, where = null) {
      let q = db
        .selectFrom('device_cert_renewals')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '=', 'failed')
        .where('failures', '>=', minFailures);
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      const r = await q.executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}
