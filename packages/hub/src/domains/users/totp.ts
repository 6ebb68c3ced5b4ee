import { randomBytes } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

// RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30-second steps.
export const TOTP_PERIOD_S = 30;
// RFC 6238 §5.2: accept at most one step either side for clock drift and typing time.
const TOLERANCE_S = TOTP_PERIOD_S;
const RECOVERY_CODES = 10;
// Crockford-style alphabet without look-alikes (0/o, 1/l/i).
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newTotpSecret(): string {
  // 20 bytes = 160 bits, the HMAC-SHA1 key length RFC 4226 §4 recommends.
  return generateSecret({ length: 20 });
}

export function otpauthUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret });
}

export function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The time step the code belongs to, or null when it is not valid now. */
export async function totpStep(secret: string, code: string, nowMs: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const r = await verify({ secret, token: code, epoch: Math.floor(nowMs / 1000), epochTolerance: TOLERANCE_S });
  return r.valid && 'timeStep' in r ? r.timeStep : null;
}

/** The code for a moment; for tests and for `outpost mfa code`-style tooling. */
export function totpCode(secret: string, atMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000) });
}

/** Ten single-use recovery codes, ~50 bits each, shaped `xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const b = randomBytes(10);
    const chars = [...b].map((x) => ALPHABET[x % ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{5}-[a-z0-9]{5}$/.test(code.trim().toLowerCase());
}
