// Node-only helpers of the contract (node:crypto, node:stream); `@outpost/protocol/node`.
export { generateReleaseKey, keyIdOf, nodeTrustCrypto, publicKeyOf, signMetadata } from './release-keys.js';
export {
  AuditChainVerifier,
  GENESIS_HASH,
  auditCheckpointValid,
  auditRecordHash,
  signAuditCheckpoint,
} from './audit-proof.js';
export { createMux, type Mux, type MuxOptions, type MuxSocket } from './relay-mux.js';
export { headOf, relayWire, tailOf, type BinaryHandler, type RelayWire, type RelayWireOptions } from './relay-wire.js';
