// The PKI domain's public face (sealing secrets under the key-encryption key and writing key files
// whole are platform services: platform/kek-seal.ts, platform/atomic-write.ts).
export type { CaSet } from './ca-set.js';
export type { PkiService } from './pki.service.js';
