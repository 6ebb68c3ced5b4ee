// The PKI domain's public face: sealing secrets under the key-encryption key.
export { decryptWithKek, encryptWithKek } from './kek.js';
