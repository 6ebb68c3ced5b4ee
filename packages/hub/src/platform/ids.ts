import { randomBytes, createHash } from 'node:crypto';

/** A random, URL-safe identifier with a readable prefix, e.g. `cmd_3f9a…`. */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('hex')}`;
}

/** A random secret for tokens; only its SHA-256 is ever stored. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Certificate serials as one canonical text: lowercase hex without leading zeros. */
export function normalizeSerial(serial: string): string {
  return serial.toLowerCase().replace(/^0+/, '');
}
