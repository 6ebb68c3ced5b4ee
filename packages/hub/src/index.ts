export { startHub, type Hub } from './hub.js';
export { loadConfig, DEFAULTS, type HubConfig } from './config/config.js';
export { createLogger } from './platform/logger.js';
export { openHubDatabase } from './domains/hub-modules.js';
export * from './backup/index.js';
export { SchemaTooNewError } from './storage/schema-version.js';
export { HUB_VERSION } from './platform/version.js';
export { readServerKeyPem } from './domains/pki/server-tls.js';
