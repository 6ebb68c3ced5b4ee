import type { Clock } from '../../platform/clock.js';
import type { AuditLog } from '../audit/index.js';
import type { CertificatesStore } from './certificates.store.js';

/** Who may connect as a device: the broker, the relay's device leg and artifact downloads all ask here. */
export interface DeviceAdmission {
  /** A device may connect only with a certificate this hub issued to it, not revoked, not expired, of an active device. */
  admitDevice(deviceId: string, serial: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Audits a refusal; a device hammering the hub is recorded once a minute per reason. */
  onRefused(deviceId: string, reason: string, ip: string | null): void;
}

// Past this many remembered refusals the memory is dropped (a flood of made-up ids).
const MAX_REMEMBERED_REFUSALS = 10_000;

export function createDeviceAdmission(d: {
  certificates: Pick<CertificatesStore, 'get'>;
  isActive(deviceId: string): Promise<boolean>;
  audit: AuditLog;
  clock: Clock;
}): DeviceAdmission {
  const lastRefusal = new Map<string, number>();
  return {
    async admitDevice(deviceId, serial) {
      const cert = await d.certificates.get(serial);
      if (!cert || cert.deviceId !== deviceId) return { ok: false, reason: 'certificate_unknown' };
      if (cert.revokedAt) return { ok: false, reason: 'certificate_revoked' };
      // TLS checks validity on a full handshake only; a resumed session carries the certificate it began with.
      if (Date.parse(cert.notAfter) <= d.clock.now().getTime()) return { ok: false, reason: 'certificate_expired' };
      if (!(await d.isActive(deviceId))) return { ok: false, reason: 'device_decommissioned' };
      return { ok: true };
    },
    onRefused(deviceId, reason, ip) {
      const key = `${deviceId}:${reason}`;
      const now = d.clock.now().getTime();
      if ((lastRefusal.get(key) ?? 0) > now - 60_000) return;
      lastRefusal.set(key, now);
      if (lastRefusal.size > MAX_REMEMBERED_REFUSALS) lastRefusal.clear();
      const id = deviceId.slice(0, 64);
      void d.audit.record({
        actor: { type: 'device', id: id || 'unknown', sourceIp: ip },
        action: 'device.refused',
        target: `device:${id}`,
        outcome: 'denied',
        details: { reason },
      });
    },
  };
}
