import { hostname } from 'node:os';
import { defineModule } from '../../platform/module.js';
import { HUB_VERSION } from '../../platform/version.js';
import type { HubContext } from '../hub-context.js';
import { createAuditCheckpoints } from './audit-checkpoints.js';
import { auditCheckpointsMigration } from './audit-checkpoints.migration.js';
import { auditComponentMigration } from './audit-component.migration.js';
import { createAuditLog } from './audit.log.js';
import { registerAuditRoutes } from './audit.routes.js';

// How often left-out refusals are summarised per actor.
const SUMMARY_INTERVAL_MS = 60_000;
// How often the chain head is signed when it moved (also every 256 records, and at shutdown).
const CHECKPOINT_INTERVAL_MS = 60_000;

/** The hash-chained audit log, anchored by signed checkpoints: every other module records through it. */
export const auditModule = defineModule({
  name: 'audit',
  migrations: {
    '013_audit_checkpoints': { up: auditCheckpointsMigration },
    '019_audit_component': { up: auditComponentMigration },
  },
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'config' | 'kek'>) {
    const { db, clock, logger, kek } = d;
    const checkpoints = createAuditCheckpoints({ db, clock, logger, kek, dataDir: d.config.dataDir });
    // The fifth field of every record: which host and which software wrote it.
    const component = { host: hostname(), software: 'outpost-hub', version: HUB_VERSION };
    const log = createAuditLog({ db: d.db, clock: d.clock, checkpoints, component });
    return {
      api: Object.assign(log, { checkpoints, component }),
      parts: {
        routes: (app) => registerAuditRoutes(app, log, checkpoints),
        jobs: [
          { name: 'audit-summaries', everyMs: SUMMARY_INTERVAL_MS, run: () => log.flushSummaries() },
          { name: 'audit-checkpoint', everyMs: CHECKPOINT_INTERVAL_MS, run: () => checkpoints.checkpointNow() },
        ],
        // A failure is logged where it happens; stopping goes on.
        stop: () =>
          log
            .flushSummaries()
            .then(() => checkpoints.checkpointNow())
            .then(
              () => undefined,
              () => undefined,
            ),
      },
    };
  },
});
