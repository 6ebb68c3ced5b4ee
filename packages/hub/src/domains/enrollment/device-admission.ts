import { CertRefusal } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { AuditLog } from '../audit/index.js';
import type { CertificatesStore } from './certificates.store.js';
import type { CertRenewalsStore } from './cert-renewals.store.js';

/** Who may connect as a device: the broker, the relay's device leg and artifact downloads all ask here. */
export interface DeviceAdmission {
  /**
   * A device may connect only with a certificate this hub issued to it, not revoked, not expired, of
   * an active device. The first connection with a renewed certificate retires the ones before it.
   */
  admitDevice(deviceId: string, serial: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Audits a refusal; a device hammering the hub is recorded once a minute per reason. */
  onRefused(deviceId: string, reason: string, ip: string | null): void;
}

// Past this many remembered refusals the memory is dropped (a flood of made-up ids).
const MAX_REMEMBERED_REFUSALS = 10_000;
// Refusals of a certificate the hub issued to this device; kept on the device's record for the API.
const RECORDED_REFUSALS = new Set<string>([
  CertRefusal.Expired,
  CertRefusal.Revoked,
  CertRefusal.Superseded,
  CertRefusal.CaRetired,
]);
/** Why a revoked certificate was revoked → the refusal a device and its record are given. */
const REVOKED_BECAUSE: Record<string, string> = {
  superseded: CertRefusal.Superseded,
  ca_retired: CertRefusal.CaRetired,
};

export function createDeviceAdmission(d: {
  certificates: Pick<CertificatesStore, 'forAdmission' | 'revokeAllBut'>;
  renewals: Pick<CertRenewalsStore, 'completeIfPending' | 'refused'>;
  /** The device's record now names the certificate it uses. */
  setCertificate(deviceId: string, serial: string, notAfter: string): Promise<void>;
  isActive(deviceId: string): Promise<boolean>;
  /** Whether the CA that issued a certificate was retired (the CA set). */
  isCaRetired?(caId: string): boolean;
  audit: AuditLog;
  clock: Clock;
}): DeviceAdmission {
  const lastRefusal = new Map<string, number>();

  /** True once a minute per device and reason. */
  function firstInAMinute(deviceId: string, reason: string): boolean {
    const key = `${deviceId}:${reason}`;
    const now = d.clock.now().getTime();
    if ((lastRefusal.get(key) ?? 0) > now - 60_000) return false;
    lastRefusal.set(key, now);
    if (lastRefusal.size > MAX_REMEMBERED_REFUSALS) lastRefusal.clear();
    return true;
  }

  async function check(deviceId: string, serial: string) {
    const cert = await d.certificates.forAdmission(serial);
    if (!cert || cert.deviceId !== deviceId) return { ok: false as const, reason: CertRefusal.Unknown };
    if (cert.revokedAt)
      return { ok: false as const, reason: REVOKED_BECAUSE[cert.revokeReason ?? ''] ?? CertRefusal.Revoked };
    // A TLS session resumed from before the CA was retired still carries its certificate.
    if (d.isCaRetired?.(cert.caId)) return { ok: false as const, reason: CertRefusal.CaRetired };
    // TLS checks validity on a full handshake only; a resumed session carries the certificate it began with.
    if (Date.parse(cert.notAfter) <= d.clock.now().getTime())
      return { ok: false as const, reason: CertRefusal.Expired };
    if (!(await d.isActive(deviceId))) return { ok: false as const, reason: 'device_decommissioned' };
    return { ok: true as const, notAfter: cert.notAfter, renewalPending: cert.renewalPending };
  }

  /** The device proved it holds its renewed key: the certificates before it are retired. */
  async function completeRenewal(deviceId: string, serial: string, notAfter: string) {
    const at = d.clock.now().toISOString();
    if (!(await d.renewals.completeIfPending(deviceId, serial, at))) return;
    const retired = await d.certificates.revokeAllBut(deviceId, serial, at, 'superseded');
    await d.setCertificate(deviceId, serial, notAfter);
    await d.audit.record({
      actor: { type: 'device', id: deviceId, sourceIp: null },
      action: 'device.certificate.switch',
      target: `device:${deviceId}`,
      details: { certSerial: serial, notAfter, revokedEarlier: retired },
    });
  }

  return {
    async admitDevice(deviceId, serial) {
      const r = await check(deviceId, serial);
      if (!r.ok) {
        if (RECORDED_REFUSALS.has(r.reason) && firstInAMinute(`record:${deviceId}`, r.reason))
          await d.renewals.refused(deviceId, r.reason, d.clock.now().toISOString());
        return r;
      }
      // Most connections are not a renewal's first: the lookup above said so, no further read.
      if (r.renewalPending) await completeRenewal(deviceId, serial, r.notAfter);
      return { ok: true };
    },
    onRefused(deviceId, reason, ip) {
      if (!firstInAMinute(deviceId, reason)) return;
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
