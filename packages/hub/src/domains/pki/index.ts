// The PKI domain's public face: sealing secrets under the key-encryption key, and writing key files whole.
export { decryptWithKek, encryptWithKek } from './kek.js';
export { writeAtomic } from './atomic-write.js';
