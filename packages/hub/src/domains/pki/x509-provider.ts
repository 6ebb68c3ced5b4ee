// Single place where @peculiar/x509 is wired to Node's WebCrypto; every pki
// module imports `x509` from here so the provider is always set first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };

/** ECDSA P-256 (secp256r1), the only key type this CA issues or accepts. */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** ECDSA with SHA-256 (RFC 5758 §3.2). */
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

export const subtle = webcrypto.subtle;
export type CryptoKey = webcrypto.CryptoKey;
