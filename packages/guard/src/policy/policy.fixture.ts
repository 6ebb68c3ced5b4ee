// Keys, grants and policies for tests.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signGrant, type UnsignedWriteGrant, type WriteGrant } from './grant.signature.js';
import type { GuardPolicy } from './policy.types.js';

export interface TestKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
}

export function testKeys(): TestKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function grant(keys: TestKeys, over: Partial<UnsignedWriteGrant> = {}): WriteGrant {
  return signGrant(
    {
      id: 'g-1',
      deviceId: 'plc-1',
      unit: 1,
      table: 'holding',
      start: 0,
      end: 9,
      notBefore: 1_000,
      expiresAt: 61_000,
      reason: 'maintenance',
      grantedBy: 'alice',
      ...over,
    },
    keys.privateKey,
  );
}

export function enforceReadOnly(over: Partial<GuardPolicy> = {}): GuardPolicy {
  return {
    mode: 'enforce',
    allowedClasses: ['read', 'write'],
    readOnly: true,
    onViolation: 'exception',
    version: 3,
    ...over,
  };
}
