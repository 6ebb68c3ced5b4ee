export { startHub, type Hub } from './hub.js';
export { loadConfig, DEFAULTS, type HubConfig } from './config/config.js';
export { createLogger } from './platform/logger.js';
export { openHubDatabase } from './domains/hub-modules.js';
