import { defineModule } from '../../platform/module.js';
import { createMemoryRequestWindows, createRequestLimit, type RequestLimit } from '../../platform/throttle.js';
import { dialectOf } from '../../storage/sql-dialect.js';
import type { HubContext } from '../hub-context.js';
import { apiRequestWindowsMigration } from './limits.migration.js';
import { createDbRequestWindows } from './request-windows.store.js';

const WINDOW_MS = 60_000;

/** The API's per-caller request windows: in the database on PostgreSQL, so replicas share one budget. */
export const limitsModule = defineModule({
  name: 'limits',
  migrations: { '041_api_request_windows': { up: apiRequestWindowsMigration } },
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock'>) {
    // A single SQLite hub decides alone: a database write per request would buy nothing.
    const shared = dialectOf(d.db) === 'postgres';
    const store = shared ? createDbRequestWindows(d.db) : createMemoryRequestWindows();
    const requests: RequestLimit = createRequestLimit({ store, clock: d.clock, windowMs: WINDOW_MS });
    const forget = () => store.forgetEndedBefore(d.clock.now().getTime(), WINDOW_MS);
    return {
      api: { requests },
      parts: { jobs: [{ name: 'limits.forgetWindows', everyMs: 10 * WINDOW_MS, run: forget }] },
    };
  },
});
