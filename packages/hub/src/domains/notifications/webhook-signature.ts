import { createHmac, timingSafeEqual } from 'node:crypto';

// Header format follows the common `t=<unix seconds>,v1=<hex>` scheme: the timestamp is signed
// together with the body, so a captured request cannot be replayed later with a fresh time.
export const SIGNATURE_HEADER = 'x-outpost-signature';
export const TIMESTAMP_HEADER = 'x-outpost-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Receivers should refuse signatures older than this. */
export const DEFAULT_TOLERANCE_S = 300;

export function signWebhook(secret: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

/** What a receiver does: check the HMAC in constant time and the timestamp against replay. */
export function verifyWebhook(
  secret: string,
  header: string,
  body: string,
  nowS: number,
  toleranceS = DEFAULT_TOLERANCE_S,
): { ok: true; timestamp: number } | { ok: false; reason: string } {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return { ok: false, reason: 'malformed signature header' };
  if (Math.abs(nowS - t) > toleranceS) return { ok: false, reason: 'timestamp outside the tolerance' };
  const expected = Buffer.from(signWebhook(secret, t, body).split('v1=')[1], 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true, timestamp: t };
}
