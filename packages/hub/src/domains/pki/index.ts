// The PKI domain's public face: sealing secrets under the key-encryption key, and writing key files whole.
export { decryptWithKek, encryptWithKek } from './kek.js';
export { writeAtomic } from './atomic-write.js';
export type { CaSet } from './ca-set.js';
export type { PkiService } from './pki.service.js';
