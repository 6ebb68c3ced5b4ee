import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { viewsMigration } from './views.migration.js';
import { registerViewRoutes } from './views.routes.js';
import { createViewsService } from './views.service.js';
import { createViewsStore } from './views.store.js';

/** Saved device views, each user's own or shared. */
export const viewsModule = defineModule({
  name: 'views',
  migrations: { '009_views_saved_device_views': { up: viewsMigration } },
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock'> & { selector: DeviceSelector; audit: AuditLog }) {
    const views = createViewsService({
      store: createViewsStore(d.db),
      selector: d.selector,
      audit: d.audit,
      clock: d.clock,
    });
    return { api: views, parts: { routes: (app) => registerViewRoutes(app, views) } };
  },
});
