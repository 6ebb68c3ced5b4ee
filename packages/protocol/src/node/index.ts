// Node-only helpers of the contract (node:crypto); `@outpost/protocol/node`.
export { generateReleaseKey, keyIdOf, nodeTrustCrypto, publicKeyOf, signMetadata } from './release-keys.js';
