import { Counter } from 'prom-client';
import { defineModule } from '../../platform/module.js';
import type { AuditCheckpoints, AuditLog } from '../audit/index.js';
import type { HubContext } from '../hub-context.js';
import { siemMigration } from './siem.migration.js';
import { registerSiemRoutes } from './siem.routes.js';
import { createSiemService } from './siem.service.js';
import { createSiemSources, type TimeOrderedStream } from './siem-sources.js';
import type { StoredAlertEvent, StoredDeviceEvent } from './siem-event.js';
import { createSiemStore } from './siem.store.js';

// A sink with a backlog sends its next batches within this; an idle tick is one small query.
const SIEM_TICK_MS = 500;

/** SIEM export: the audit log, its checkpoints, device and guard events and alerts, streamed as syslog over TLS or JSON lines over HTTPS. */
export const siemModule = defineModule({
  name: 'siem',
  migrations: { '019_siem_sinks': { up: siemMigration } },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'metrics' | 'kek'> & {
      audit: AuditLog & {
        checkpoints: AuditCheckpoints;
        component: { host: string; software: string; version: string };
      };
      deviceEvents: TimeOrderedStream<StoredDeviceEvent>;
      alertEvents: TimeOrderedStream<StoredAlertEvent>;
      procId: string;
    },
  ) {
    const delivered = new Counter({
      name: 'outpost_siem_events_delivered_total',
      help: 'Events a SIEM receiver accepted',
      labelNames: ['kind'],
      registers: [d.metrics.registry],
    });
    const store = createSiemStore(d.db);
    const counted: typeof store = {
      ...store,
      async advance(id, source, position, n, at) {
        await store.advance(id, source, position, n, at);
        const s = await store.get(id);
        if (s) delivered.inc({ kind: s.kind }, n);
      },
    };
    const siem = createSiemService({
      store: counted,
      sources: createSiemSources({
        audit: d.audit,
        checkpoints: d.audit.checkpoints,
        deviceEvents: d.deviceEvents,
        alertEvents: d.alertEvents,
        component: d.audit.component,
        clock: d.clock,
      }),
      audit: d.audit,
      kek: d.kek,
      clock: d.clock,
      logger: d.logger,
      component: d.audit.component,
      procId: d.procId,
    });
    return {
      api: { siem },
      parts: {
        routes: (app) => registerSiemRoutes(app, siem),
        jobs: [{ name: 'siem.tick', everyMs: SIEM_TICK_MS, run: () => siem.tick() }],
        stop: () => siem.idle(),
      },
    };
  },
});
