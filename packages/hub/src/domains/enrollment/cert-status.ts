import type { DeviceCertificateStatus } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { NotFound } from '../../platform/errors.js';
import type { CertificatesStore } from './certificates.store.js';
import type { CertRenewalsStore } from './cert-renewals.store.js';

/** Reads one device's certificate status for the API. */
export function createCertStatusReader(d: {
  certificates: Pick<CertificatesStore, 'ofDevice'>;
  renewals: Pick<CertRenewalsStore, 'get'>;
  deviceExists(id: string): Promise<boolean>;
  clock: Clock;
}) {
  return async function certificateStatus(deviceId: string): Promise<DeviceCertificateStatus> {
    if (!(await d.deviceExists(deviceId))) throw new NotFound('device', deviceId);
    const [history, row] = await Promise.all([d.certificates.ofDevice(deviceId), d.renewals.get(deviceId)]);
    const pending = row?.state === 'pending' ? row.pendingSerial : null;
    // Ordered by issue time; the pending renewal is not "current" until the device connects with it.
    const inUse = history.filter((c) => !c.revokedAt && c.serial !== pending).at(-1) ?? null;
    const now = d.clock.now().getTime();
    return {
      deviceId,
      current: inUse
        ? {
            serial: inUse.serial,
            issuedAt: inUse.issuedAt,
            notAfter: inUse.notAfter,
            expired: Date.parse(inUse.notAfter) <= now,
            caId: inUse.caId,
          }
        : null,
      renewal: {
        state: row?.state ?? 'none',
        pendingSerial: pending,
        renewedAt: row?.renewedAt ?? null,
        renewals: row?.renewals ?? 0,
        failures: row?.failures ?? 0,
        lastFailure: row?.lastFailure ?? null,
        lastFailureAt: row?.lastFailureAt ?? null,
      },
      lastRefusal: row?.refusedReason && row.refusedAt ? { reason: row.refusedReason, at: row.refusedAt } : null,
    };
  };
}
