import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { grantSigningBytes } from '@outpost/protocol';
import type { RegisterTable } from '../shared/guard.types.js';

/** A time-limited permission to write one address range of one unit, signed by the hub. */
export interface WriteGrant {
  id: string;
  deviceId: string;
  unit: number;
  table: RegisterTable;
  /** First and last address covered, inclusive. */
  start: number;
  end: number;
  /** Validity window, milliseconds since the epoch: valid for notBefore <= now < expiresAt. */
  notBefore: number;
  expiresAt: number;
  reason: string;
  grantedBy: string;
  /** A named state the grant sets while it is valid (a hotline tag), and the ticket it was issued under. */
  setsState?: string;
  ticket?: string;
  /** Ed25519 signature (base64) over canonicalJson of every other field. */
  signature: string;
}

export type UnsignedWriteGrant = Omit<WriteGrant, 'signature'>;

/** An Ed25519 key as PEM text or a KeyObject. */
export type GrantKey = string | KeyObject;

export type GrantRejection = 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_device' | 'malformed';
export type GrantVerdict = { ok: true } | { ok: false; reason: GrantRejection };

const TABLES = new Set(['coil', 'discrete', 'holding', 'input']);

/** The exact bytes that are signed: canonical JSON of the grant without its signature (protocol's signing bytes). */
export function grantSigningPayload(grant: UnsignedWriteGrant | WriteGrant): Buffer {
  return Buffer.from(grantSigningBytes(grant));
}

/** Signs a grant with the hub's Ed25519 private key. */
export function signGrant(grant: UnsignedWriteGrant, privateKey: GrantKey): WriteGrant {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const signature = sign(null, grantSigningPayload(grant), key).toString('base64');
  return { ...grant, signature };
}

const isInt = (v: unknown, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1024;

/** True when `g` has the shape of a WriteGrant with sane values. */
export function isWellFormedGrant(g: unknown): g is WriteGrant {
  if (typeof g !== 'object' || g === null) return false;
  const x = g as Record<string, unknown>;
  return (
    isText(x.id) &&
    isText(x.deviceId) &&
    isInt(x.unit, 0xffff) &&
    typeof x.table === 'string' &&
    TABLES.has(x.table) &&
    isInt(x.start, 0xffff) &&
    isInt(x.end, 0xffff) &&
    (x.start as number) <= (x.end as number) &&
    Number.isFinite(x.notBefore) &&
    Number.isFinite(x.expiresAt) &&
    (x.notBefore as number) < (x.expiresAt as number) &&
    typeof x.reason === 'string' &&
    isText(x.grantedBy) &&
    isText(x.signature) &&
    // A state comes with the ticket it was issued under; a ticket alone names nothing.
    (x.setsState === undefined ? x.ticket === undefined : isStateName(x.setsState) && isText(x.ticket))
  );
}

const isStateName = (v: unknown): boolean => typeof v === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(v);

/** Checks shape and signature only (time-independent). */
export function checkGrantSignature(grant: unknown, publicKey: GrantKey): GrantVerdict {
  if (!isWellFormedGrant(grant)) return { ok: false, reason: 'malformed' };
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    const sig = Buffer.from(grant.signature, 'base64');
    return verify(null, grantSigningPayload(grant), key, sig) ? { ok: true } : { ok: false, reason: 'bad_signature' };
  } catch {
    return { ok: false, reason: 'bad_signature' };
  }
}

/** Time check of a well-formed grant. */
export function checkGrantTime(grant: WriteGrant, nowMs: number): GrantVerdict {
  if (nowMs < grant.notBefore) return { ok: false, reason: 'not_yet_valid' };
  if (nowMs >= grant.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/**
 * Verifies a grant: shape, Ed25519 signature, target device (when `deviceId` is given)
 * and validity window at `nowMs`. Never throws.
 */
export function verifyGrant(grant: unknown, publicKey: GrantKey, nowMs: number, deviceId?: string): GrantVerdict {
  const sig = checkGrantSignature(grant, publicKey);
  if (!sig.ok) return sig;
  const g = grant as WriteGrant;
  if (deviceId !== undefined && g.deviceId !== deviceId) return { ok: false, reason: 'wrong_device' };
  return checkGrantTime(g, nowMs);
}
