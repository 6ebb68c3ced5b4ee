// Backup and restore of a hub's data directory (docs/OPERATIONS.md).
export { createBackup, type BackupOptions, type BackupResult } from './backup.js';
export { restoreBackup, type RestoreOptions, type RestoreResult } from './restore.js';
export { BackupRefused, refuseOnPostgres, type BackupManifest } from './manifest.js';
export { defaultKekPath, readKek, readKekFromFile, kekFingerprint, parseEnvKek } from '../domains/pki/kek.js';
