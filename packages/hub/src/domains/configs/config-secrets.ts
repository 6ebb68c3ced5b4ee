import type { SettingValue } from '@outpost/protocol';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';

/** How a secret is stored: AES-256-GCM under the KEK, bound by its AAD to one owner and key. */
export interface EncryptedValue {
  $enc: string;
}

export const isEncrypted = (v: unknown): v is EncryptedValue =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as EncryptedValue).$enc === 'string';

export const secretAad = (owner: string, key: string) => `outpost config secret v1|${owner}|${key}`;

export interface SecretBox {
  seal(owner: string, key: string, value: SettingValue): EncryptedValue;
  open(owner: string, key: string, v: EncryptedValue): SettingValue;
}

/** Seals and opens secret values; `owner` is `template:<id>` or `device:<id>`. */
export function createSecretBox(kek: Buffer): SecretBox {
  return {
    seal(owner, key, value) {
      return {
        $enc: encryptWithKek(kek, Buffer.from(JSON.stringify(value), 'utf8'), secretAad(owner, key)).toString('base64'),
      };
    },
    open(owner, key, v) {
      return JSON.parse(
        decryptWithKek(kek, Buffer.from(v.$enc, 'base64'), secretAad(owner, key)).toString('utf8'),
      ) as SettingValue;
    },
  };
}
