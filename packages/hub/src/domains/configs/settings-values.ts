import { createHmac, hkdfSync } from 'node:crypto';
import { SETTING_KEY, type SettingValue } from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import { canonicalJson } from '@outpost/protocol';

// Names of settings that hold secrets even when no template says so: their values are never
// stored or shown in clear (a device reporting one in clear gets it replaced by its digest).
const SECRET_NAME = /(pass(word|phrase)?|psk|secret|private|token|credential|community|api[_-]?key)$/i;

export const isSecretLookingKey = (key: string) => SECRET_NAME.test(key.slice(key.lastIndexOf('.') + 1));

/** Setting values are scalars or lists of scalars; template fields may be small objects. */
export const sameValue = (a: unknown, b: unknown) =>
  a === b ||
  (typeof a === 'object' &&
    typeof b === 'object' &&
    a !== null &&
    b !== null &&
    (Array.isArray(a) ? JSON.stringify(a) === JSON.stringify(b) : canonicalJson(a) === canonicalJson(b)));

const isScalar = (v: unknown) =>
  v === null ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.length <= 4096);

/** Checks a key and a plain value; throws with the JSON Pointer of the bad part. Never echoes the value. */
export function checkSetting(key: string, value: unknown, base: string): asserts value is SettingValue {
  const path = `${base}/${key}`;
  if (!SETTING_KEY.test(key))
    throw new ValidationError(
      `setting key "${key.slice(0, 80)}" must be up to 8 dot-separated names of A-Z a-z 0-9 _ -`,
      { path },
    );
  if (Array.isArray(value)) {
    if (value.length > 256) throw new ValidationError(`setting "${key}" lists more than 256 items`, { path });
    const bad = value.findIndex((v) => !isScalar(v));
    if (bad >= 0)
      throw new ValidationError(
        `setting "${key}" item ${bad} must be a string (up to 4096 characters), number, boolean or null`,
        { path: `${path}/${bad}` },
      );
    return;
  }
  if (!isScalar(value))
    throw new ValidationError(
      `setting "${key}" must be a string (up to 4096 characters), number, boolean, null or a list of those`,
      { path },
    );
}

/** A leaf cannot also be a branch: `a` and `a.b` together make no tree. */
export function checkTreeShape(keys: string[], base: string): void {
  const set = new Set(keys);
  for (const k of keys) {
    let i = k.indexOf('.');
    while (i > 0) {
      const parent = k.slice(0, i);
      if (set.has(parent))
        throw new ValidationError(`setting "${k}" lies inside "${parent}", which holds a value`, {
          path: `${base}/${k}`,
        });
      i = k.indexOf('.', i + 1);
    }
  }
}

/** Builds the settings tree from flat dotted keys. */
export function toTree(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) {
      if (typeof node[p] !== 'object' || node[p] === null || Array.isArray(node[p])) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = v;
  }
  return root;
}

// HKDF (RFC 5869) separates the digest key from every other use of the KEK.
function digestMaster(kek: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'outpost config secret digests v1', 32));
}

/** The per-device key (base64) a device uses to report secrets as HMAC-SHA256 digests. */
export function createDigestKeys(kek: Buffer) {
  const master = digestMaster(kek);
  const cache = new Map<string, string>();
  return (deviceId: string): string => {
    let k = cache.get(deviceId);
    if (!k) {
      k = createHmac('sha256', master).update(deviceId).digest('base64');
      if (cache.size > 50_000) cache.clear();
      cache.set(deviceId, k);
    }
    return k;
  };
}

/** HMAC-SHA256 of a value's JSON under a device's digest key; what the agent computes too. */
export function digestOf(keyB64: string, value: SettingValue): string {
  return createHmac('sha256', Buffer.from(keyB64, 'base64')).update(JSON.stringify(value)).digest('hex');
}
