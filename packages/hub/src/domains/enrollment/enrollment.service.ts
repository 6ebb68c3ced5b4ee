import {
  ErrorCode,
  INTEGRATION_CLIENT_PREFIX,
  isValidDeviceId,
  type EnrollResponse,
  type EnrollmentToken,
  type NewEnrollmentToken,
  type SignedRoot,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, HubError, NotFound, ValidationError } from '../../platform/errors.js';
import { newId, newSecret, normalizeSerial, sha256Hex } from '../../platform/ids.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceRegistry } from '../devices/index.js';
import type { EnrollmentStore } from './enrollment.store.js';
import type { CertificatesStore } from './certificates.store.js';
import type { CertRenewalsStore } from './cert-renewals.store.js';

const TOKEN_PREFIX = 'oet_';
const RESERVED_PREFIX = INTEGRATION_CLIENT_PREFIX;

/** The part of the CA (or of the CA set: the CA that signs now) enrollment needs. */
export interface DeviceCertificateIssuer {
  /** The id of the CA that signs. */
  id: string;
  /** The CA a new device pins (its enrollment token carries this fingerprint). */
  fingerprint: string;
  /** The CAs a device trusts, the pinned one first. */
  certPem: string;
  signDeviceCsr(
    csrPem: string,
    deviceId: string,
    opts?: { validityDays?: number; validitySeconds?: number; requireSubjectCn?: string; refuseKeySha256?: string },
  ): Promise<{ certPem: string; serial: string; notAfter: Date; publicKeySha256: string; caId: string }>;
}

export interface EnrollmentDeps {
  tokens: EnrollmentStore;
  certificates: CertificatesStore;
  renewals: Pick<CertRenewalsStore, 'enrolled'>;
  devices: DeviceRegistry;
  ca: DeviceCertificateIssuer;
  audit: AuditLog;
  clock: Clock;
  /** Lifetime of a device certificate, seconds. */
  certLifetimeS: number;
  staticGroupId(path: string): Promise<string | null>;
  /** Where devices and operators reach the hub; with a device id, the broker that device is given (external brokers). */
  endpoints(deviceId?: string): { mqttUrl: string; httpUrl: string };
  /** The hub's OT guard grant-signing public key, handed to devices with their certificate. */
  guardKeyPem?(): Promise<string>;
  /** The current update trust root (TUF-style), handed to devices with their certificate. */
  updateRoot?(): Promise<SignedRoot | undefined>;
}

export interface EnrollRequest {
  token: string;
  csrPem: string;
  deviceId?: string;
  name?: string;
}

export interface EnrollmentService {
  createToken(
    actor: Actor,
    input: {
      label: string;
      maxUses?: number;
      expiresInHours?: number;
      group?: string | null;
      tags?: Record<string, string>;
    },
  ): Promise<NewEnrollmentToken>;
  /** Admits a device that presents a valid token and a CSR: its certificate and where to connect. */
  enroll(req: EnrollRequest, sourceIp: string | null): Promise<EnrollResponse>;
  revokeToken(actor: Actor, id: string): Promise<void>;
  listTokens(): Promise<EnrollmentToken[]>;
}

export function createEnrollmentService(d: EnrollmentDeps): EnrollmentService {
  async function createToken(
    actor: Actor,
    input: {
      label: string;
      maxUses?: number;
      expiresInHours?: number;
      group?: string | null;
      tags?: Record<string, string>;
    },
  ) {
    if (input.group && !(await d.staticGroupId(input.group)))
      throw new ValidationError(`static group "${input.group}" does not exist`, { path: '/group' });
    const secret = `${TOKEN_PREFIX}${newSecret()}`;
    const now = d.clock.now();
    const record: EnrollmentToken = {
      id: newId('enr'),
      label: input.label,
      maxUses: input.maxUses ?? 1,
      uses: 0,
      expiresAt: new Date(now.getTime() + (input.expiresInHours ?? 24) * 3_600_000).toISOString(),
      group: input.group ?? null,
      tags: input.tags ?? {},
      createdBy: actor.id,
      createdAt: now.toISOString(),
      revoked: false,
    };
    await d.tokens.insert({ ...record, secretHash: sha256Hex(secret) });
    await d.audit.record({
      actor,
      action: 'enrollment_token.create',
      target: `enrollment_token:${record.id}`,
      details: { label: record.label, maxUses: record.maxUses, group: record.group },
    });
    // The secret is shown once; only its hash is kept.
    return { token: secret, caFingerprint: d.ca.fingerprint, record };
  }

  const inFlight = new Map<string, Promise<unknown>>();
  /** Runs `fn` after every earlier call for the same key has settled; the map holds only running keys. */
  function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (inFlight.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    inFlight.set(key, settled);
    void settled.then(() => {
      if (inFlight.get(key) === settled) inFlight.delete(key);
    });
    return run;
  }

  async function usableToken(secret: string): Promise<EnrollmentToken> {
    const t = secret.startsWith(TOKEN_PREFIX) ? await d.tokens.bySecretHash(sha256Hex(secret)) : null;
    if (!t || t.revoked) throw new HubError(ErrorCode.TokenUnknown, 'the enrollment token is unknown or was revoked');
    if (t.expiresAt <= d.clock.now().toISOString())
      throw new HubError(ErrorCode.TokenExpired, 'the enrollment token has expired');
    if (t.uses >= t.maxUses) throw new HubError(ErrorCode.TokenSpent, 'the enrollment token has no uses left');
    return t;
  }

  async function enroll(req: EnrollRequest, sourceIp: string | null): Promise<EnrollResponse> {
    const anon: Actor = { type: 'anonymous', id: 'enrollment', sourceIp };
    let token: EnrollmentToken;
    try {
      token = await usableToken(req.token);
    } catch (err) {
      await d.audit.record({
        actor: anon,
        action: 'device.enroll',
        outcome: 'denied',
        details: { reason: (err as HubError).code, deviceId: req.deviceId },
      });
      throw err;
    }
    const deviceId = req.deviceId ?? newId('dev', 8).replace('_', '-');
    if (!isValidDeviceId(deviceId))
      throw new ValidationError('device id must be 1-64 of a-z, 0-9, ".", "_", "-"', { path: '/deviceId' });
    // The broker admits integration clients by this prefix: a device may never hold such an id.
    if (deviceId.startsWith(RESERVED_PREFIX))
      throw new ValidationError(`device ids starting with "${RESERVED_PREFIX}" are reserved for integration clients`, {
        path: '/deviceId',
      });
    // One enrollment of an id at a time: a second one waits and then finds the first one's device.
    return oneAtATime(deviceId, () => enrollAs(deviceId, req, token, sourceIp, anon));
  }

  async function enrollAs(
    deviceId: string,
    req: EnrollRequest,
    token: EnrollmentToken,
    sourceIp: string | null,
    anon: Actor,
  ): Promise<EnrollResponse> {
    const reenroll = await d.devices.exists(deviceId);
    if (reenroll) await assertMayReenroll(deviceId);
    let issued: Awaited<ReturnType<DeviceCertificateIssuer['signDeviceCsr']>>;
    try {
      issued = await d.ca.signDeviceCsr(req.csrPem, deviceId, { validitySeconds: d.certLifetimeS });
    } catch (err) {
      await d.audit.record({
        actor: anon,
        action: 'device.enroll',
        target: `device:${deviceId}`,
        outcome: 'denied',
        details: { reason: 'csr_invalid' },
      });
      throw new HubError(ErrorCode.CsrInvalid, `certificate request refused: ${(err as Error).message}`);
    }
    if (!(await d.tokens.spend(token.id)))
      throw new HubError(ErrorCode.TokenSpent, 'the enrollment token has no uses left');
    const now = d.clock.now().toISOString();
    const serial = normalizeSerial(issued.serial);
    await d.certificates.insert({
      serial,
      deviceId,
      fingerprint: sha256Hex(issued.certPem),
      issuedAt: now,
      notAfter: issued.notAfter.toISOString(),
      caId: issued.caId,
    });
    await d.renewals.enrolled(deviceId, issued.publicKeySha256);
    if (reenroll) {
      await d.devices.setCertificate(deviceId, serial, issued.notAfter.toISOString());
      await d.audit.record({
        actor: { type: 'device', id: deviceId, sourceIp },
        action: 'device.reenroll',
        target: `device:${deviceId}`,
        details: { token: token.id, certSerial: serial },
      });
      return enrolledResponse(deviceId, issued.certPem);
    }
    await d.devices.insert({
      id: deviceId,
      name: req.name ?? deviceId,
      model: null,
      serial: null,
      enrolledAt: now,
      certSerial: serial,
      certExpiresAt: issued.notAfter.toISOString(),
      tags: token.tags,
      staticGroupId: token.group ? await d.staticGroupId(token.group) : null,
    });
    await d.audit.record({
      actor: { type: 'device', id: deviceId, sourceIp },
      action: 'device.enroll',
      target: `device:${deviceId}`,
      details: { token: token.id, certSerial: serial, group: token.group },
    });
    return enrolledResponse(deviceId, issued.certPem);
  }
  /**
   * A device already on record enrolls again (same id, same record: groups, tags and history stay)
   * only when nothing it holds still works: every certificate it was issued expired or was revoked,
   * e.g. it was offline past its certificate's end. A decommissioned device stays out.
   */
  async function assertMayReenroll(deviceId: string) {
    if (!(await d.devices.isActive(deviceId))) throw new Conflict(`device "${deviceId}" was decommissioned`);
    const now = d.clock.now().getTime();
    const live = (await d.certificates.ofDevice(deviceId)).some((c) => !c.revokedAt && Date.parse(c.notAfter) > now);
    if (live) throw new Conflict(`device "${deviceId}" is already enrolled and its certificate is valid`);
  }
  async function enrolledResponse(deviceId: string, certificatePem: string): Promise<EnrollResponse> {
    const guardKeyPem = d.guardKeyPem ? await d.guardKeyPem() : undefined;
    const updateRoot = d.updateRoot ? await d.updateRoot() : undefined;
    return {
      deviceId,
      certificatePem,
      caChainPem: d.ca.certPem,
      ...d.endpoints(deviceId),
      ...(guardKeyPem ? { guardKeyPem } : {}),
      ...(updateRoot ? { updateRoot } : {}),
    };
  }

  async function revokeToken(actor: Actor, id: string) {
    if (!(await d.tokens.byId(id))) throw new NotFound('enrollment token', id);
    await d.tokens.revoke(id);
    await d.audit.record({ actor, action: 'enrollment_token.revoke', target: `enrollment_token:${id}` });
  }

  return { createToken, enroll, revokeToken, listTokens: () => d.tokens.list() };
}
