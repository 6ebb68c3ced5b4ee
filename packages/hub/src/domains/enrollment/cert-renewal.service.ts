// Device certificate renewal: a device asks on its own `cert/renew` topic (the broker admitted the
// connection with the device's current certificate and confines it to its own topics), the hub
// checks the CSR as at enrollment plus subject and key, issues, records and answers on `cert/issued`.
import { CertRefusal, CertRenewRequest, compileValidator, ErrorCode, type CertRenewResponse } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import { normalizeSerial, sha256Hex } from '../../platform/ids.js';
import type { AuditLog } from '../audit/index.js';
import type { CertificatesStore } from './certificates.store.js';
import type { CertRenewalsStore } from './cert-renewals.store.js';
import type { DeviceCertificateIssuer } from './enrollment.service.js';

export interface CertRenewalService {
  /** Handles one `cert/renew` message of `deviceId` (the broker's authenticated identity). */
  onRenewRequest(deviceId: string, payload: Buffer): Promise<void>;
}

export interface CertRenewalDeps {
  certificates: Pick<CertificatesStore, 'insert' | 'ofDevice'>;
  renewals: CertRenewalsStore;
  ca: DeviceCertificateIssuer;
  bus: Pick<DeviceBus, 'publish'>;
  audit: AuditLog;
  clock: Clock;
  /** Lifetime of a device certificate, seconds. */
  lifetimeS: number;
}

const validate = compileValidator(CertRenewRequest);
// A device renews at about two thirds of the lifetime; one issue per tenth of it (at least 5 s)
// keeps a looping device from filling the certificate history.
const minIntervalMs = (lifetimeS: number) => Math.max(5_000, (lifetimeS * 1000) / 10);

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createCertRenewalService(d: CertRenewalDeps): CertRenewalService {
  // Requests being handled, so two at once from one device cannot both be issued (bounded by the fleet).
  const inFlight = new Set<string>();

  // After a CA rotation the hub asks devices to move to the new CA at once: a certificate issued
  // moments ago by the CA before does not make that too soon.
  async function lastIssuedBy(deviceId: string): Promise<string | undefined> {
    return (await d.certificates.ofDevice(deviceId)).at(-1)?.caId;
  }
  async function answer(deviceId: string, response: CertRenewResponse) {
    await d.bus.publish(deviceId, 'cert/issued', response, { qos: 1 });
  }

  async function issue(deviceId: string, req: CertRenewRequest) {
    const row = await d.renewals.get(deviceId);
    const now = d.clock.now();
    if (
      row?.lastIssuedAt &&
      now.getTime() - Date.parse(row.lastIssuedAt) < minIntervalMs(d.lifetimeS) &&
      (await lastIssuedBy(deviceId)) === d.ca.id
    )
      throw new Refusal(CertRefusal.RenewalTooSoon, 'a certificate was issued to this device moments ago');
    let issued: Awaited<ReturnType<DeviceCertificateIssuer['signDeviceCsr']>>;
    try {
      issued = await d.ca.signDeviceCsr(req.csrPem, deviceId, {
        validitySeconds: d.lifetimeS,
        requireSubjectCn: deviceId,
        ...(row?.keySha256 ? { refuseKeySha256: row.keySha256 } : {}),
      });
    } catch (err) {
      throw new Refusal(ErrorCode.CsrInvalid, `certificate request refused: ${(err as Error).message}`);
    }
    const serial = normalizeSerial(issued.serial);
    const at = now.toISOString();
    await d.certificates.insert({
      serial,
      deviceId,
      fingerprint: sha256Hex(issued.certPem),
      issuedAt: at,
      notAfter: issued.notAfter.toISOString(),
      caId: issued.caId,
    });
    await d.renewals.issued(deviceId, serial, issued.publicKeySha256, at);
    await d.audit.record({
      actor: { type: 'device', id: deviceId, sourceIp: null },
      action: 'device.certificate.renew',
      target: `device:${deviceId}`,
      details: {
        certSerial: serial,
        notAfter: issued.notAfter.toISOString(),
        ...(req.lastFailure ? { earlierFailures: req.lastFailure.attempts, lastFailure: req.lastFailure.reason } : {}),
      },
    });
    return { certificatePem: issued.certPem, caChainPem: d.ca.certPem };
  }

  async function refuse(deviceId: string, requestId: string, err: Refusal) {
    await d.renewals.failed(deviceId, err.code, d.clock.now().toISOString());
    await d.audit.record({
      actor: { type: 'device', id: deviceId, sourceIp: null },
      action: 'device.certificate.renew',
      target: `device:${deviceId}`,
      outcome: 'denied',
      details: { reason: err.code },
    });
    await answer(deviceId, { v: 1, requestId, ok: false, code: err.code, message: err.message.slice(0, 512) });
  }

  return {
    async onRenewRequest(deviceId, payload) {
      const parsed = validate.parse(payload);
      if (!parsed.ok) {
        // Without a well-formed request there is no requestId to answer; the state says why.
        await d.renewals.failed(deviceId, parsed.code, d.clock.now().toISOString());
        return;
      }
      const req = parsed.value;
      if (req.lastFailure) await d.renewals.failed(deviceId, req.lastFailure.reason, d.clock.now().toISOString());
      if (inFlight.has(deviceId))
        return refuse(deviceId, req.requestId, new Refusal(CertRefusal.RenewalTooSoon, 'a renewal is in progress'));
      inFlight.add(deviceId);
      try {
        const issued = await issue(deviceId, req);
        await answer(deviceId, { v: 1, requestId: req.requestId, ok: true, ...issued });
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        await refuse(deviceId, req.requestId, err);
      } finally {
        inFlight.delete(deviceId);
      }
    },
  };
}
