import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { isValidDeviceId } from '@outpost/protocol';
import { normalizeSerial } from '../../platform/ids.js';
import type { DeviceAdmission } from './device-admission.js';

/** Why a TLS peer's certificate was refused before the hub looked it up. */
export const PeerRefusal = {
  Missing: 'certificate_missing',
  NotTrusted: 'certificate_not_trusted',
  WrongId: 'client_id_not_certificate_cn',
} as const;

export type PeerCheck =
  { ok: true; deviceId: string; serial: string; expired: boolean } | { ok: false; deviceId: string; reason: string };

/**
 * What a device presented on a TLS connection, checked the one way the broker, the relay's device
 * leg and anyone else taking device certificates check it: a certificate is there, chains to the
 * hub CA (an expired one the CA signed passes, flagged, so admission can name the expiry), and its
 * CN is a device id (the one the client claims, when it claims one).
 */
export function checkPeerCertificate(
  sock: TLSSocket,
  ca: X509Certificate | readonly X509Certificate[],
  nowMs: number,
  claimedId?: string,
): PeerCheck {
  const cert = typeof sock.getPeerCertificate === 'function' ? sock.getPeerCertificate() : null;
  const cn = typeof cert?.subject?.CN === 'string' ? cert.subject.CN : '';
  const id = claimedId ?? cn;
  if (!cert?.raw || !cert.serialNumber) return { ok: false, deviceId: id || 'unknown', reason: PeerRefusal.Missing };
  const expired = !sock.authorized && isExpiredOfOurs(sock, ca, nowMs);
  if (!sock.authorized && !expired) return { ok: false, deviceId: id || 'unknown', reason: PeerRefusal.NotTrusted };
  if (!isValidDeviceId(id) || cn !== id) return { ok: false, deviceId: id || 'unknown', reason: PeerRefusal.WrongId };
  return { ok: true, deviceId: cn, serial: normalizeSerial(cert.serialNumber), expired };
}

/**
 * Admits a checked peer as a device: the certificate is one this hub issued to it, not revoked,
 * not expired by the hub's clock (a resumed TLS session carries the certificate it began with, so
 * this check, not TLS, guards resumption), of an active device. An expired certificate of ours is
 * refused as `certificate_expired` unless admission finds a more telling reason (revoked, unknown).
 */
export async function admitPeer(
  admission: Pick<DeviceAdmission, 'admitDevice'>,
  peer: PeerCheck,
): Promise<{ ok: true; deviceId: string; serial: string } | { ok: false; deviceId: string; reason: string }> {
  if (!peer.ok) return peer;
  const r = await admission.admitDevice(peer.deviceId, peer.serial);
  if (!r.ok) return { ok: false, deviceId: peer.deviceId, reason: r.reason };
  if (peer.expired) return { ok: false, deviceId: peer.deviceId, reason: 'certificate_expired' };
  return { ok: true, deviceId: peer.deviceId, serial: peer.serial };
}

/**
 * True when the peer's only fault is that its certificate expired and that certificate is signed
 * by one of our trusted CAs (several while the CA rotates). OpenSSL reports the last verification error, so the signature is checked here too.
 */
export function isExpiredOfOurs(
  sock: TLSSocket,
  ca: X509Certificate | readonly X509Certificate[],
  nowMs: number,
): boolean {
  const cas = Array.isArray(ca) ? ca : [ca as X509Certificate];
  if ((sock.authorizationError as unknown as string | undefined) !== 'CERT_HAS_EXPIRED') return false;
  const raw = sock.getPeerCertificate?.()?.raw;
  if (!raw) return false;
  try {
    const leaf = new X509Certificate(raw);
    return cas.some((c) => leaf.checkIssued(c) && leaf.verify(c.publicKey)) && Date.parse(leaf.validTo) <= nowMs;
  } catch {
    return false;
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle (the trusted CAs, several while the CA rotates). */
export function certificatesOf(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERT) ?? []).map((p) => new X509Certificate(p));
}
