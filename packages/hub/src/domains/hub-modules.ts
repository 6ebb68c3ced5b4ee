import type { Migration } from 'kysely';
import { foldMigrations } from '../platform/module.js';
import { openPostgres, openSqlite, type Db } from '../storage/database.js';
import { coreMigrations } from '../storage/migrations.js';
import { accessModule } from './access/access.module.js';
import { automationsModule } from './automations/automations.module.js';
import { alertsModule } from './alerts/alerts.module.js';
import { auditModule } from './audit/audit.module.js';
import { commandsModule } from './commands/commands.module.js';
import { configsModule } from './configs/configs.module.js';
import { diagnosticsModule } from './diagnostics/diagnostics.module.js';
import { devicesModule } from './devices/devices.module.js';
import { enrollmentModule } from './enrollment/enrollment.module.js';
import { pkiModule } from './pki/pki.module.js';
import { fleetModule } from './fleet/fleet.module.js';
import { groupsModule } from './groups/groups.module.js';
import { guardModule } from './guard/guard.module.js';
import { healthModule } from './health/health.module.js';
import { liveModule } from './live/live.module.js';
import { notificationsModule } from './notifications/notifications.module.js';
import { reportsModule } from './reports/reports.module.js';
import { siemModule } from './siem/siem.module.js';
import { sharingModule } from './sharing/sharing.module.js';
import { trafficModule } from './traffic/traffic.module.js';
import { cellularModule } from './cellular/cellular.module.js';
import { locationModule } from './location/location.module.js';
import { streamsModule } from './streams/streams.module.js';
import { updatesModule } from './updates/updates.module.js';
import { usersModule } from './users/users.module.js';
import { viewsModule } from './views/views.module.js';
import { filesModule } from './files/files.module.js';
import { limitsModule } from './limits/limits.module.js';
import { blobsModule } from './blobs/blobs.module.js';
import { brokersModule } from './brokers/brokers.module.js';
import { geofencesModule } from './geofences/geofences.module.js';

// The hub is this list of modules: their migrations fold into the hub's schema here, and
// compose-domains.ts builds them (in dependency order) and folds the rest of what they return.

export const HUB_MODULES = [
  auditModule,
  usersModule,
  devicesModule,
  groupsModule,
  viewsModule,
  commandsModule,
  diagnosticsModule,
  guardModule,
  updatesModule,
  enrollmentModule,
  pkiModule,
  accessModule,
  configsModule,
  notificationsModule,
  healthModule,
  trafficModule,
  cellularModule,
  locationModule,
  streamsModule,
  geofencesModule,
  alertsModule,
  reportsModule,
  fleetModule,
  liveModule,
  siemModule,
  filesModule,
  automationsModule,
  sharingModule,
  brokersModule,
  limitsModule,
  blobsModule,
] as const;

/** Every migration of the hub: the core ones and each module's. */
export function hubMigrations(): Record<string, Migration> {
  return foldMigrations(coreMigrations, [...HUB_MODULES]);
}

/**
 * Opens the hub database with every hub migration applied: the PostgreSQL database `databaseUrl`
 * names, or else (the default) the SQLite file in `dataDir`, created when missing.
 */
export function openHubDatabase(dataDir: string, databaseUrl?: string): Promise<Db> {
  return databaseUrl ? openPostgres(databaseUrl, hubMigrations()) : openSqlite(dataDir, hubMigrations());
}
