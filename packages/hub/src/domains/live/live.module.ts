import { defineModule } from '../../platform/module.js';
import type { HubContext } from '../hub-context.js';
import type { UsersService } from '../users/index.js';
import { registerLiveRoutes } from './live.routes.js';
import { createLiveService, type LiveOptions } from './live.service.js';
import { createLiveStore, type LiveSources } from './live.store.js';
import type { SiteRollupSources } from './site-rollup.js';

/** Live updates for consoles: presence, the audit tail, rollout progress and alert counts. */
export const liveModule = defineModule({
  name: 'live',
  migrations: {},
  events: { emits: [], consumes: ['rolloutChanged', 'alertsChanged'] },
  create(
    d: Pick<HubContext, 'clock' | 'logger' | 'events'> & {
      progress: LiveOptions['progress'];
      users: UsersService;
      sites: Omit<SiteRollupSources, 'facts'>;
    } & LiveSources,
  ) {
    const live = createLiveService({
      store: createLiveStore(d),
      clock: d.clock,
      logger: d.logger,
      progress: d.progress,
    });
    d.events.on('rolloutChanged', ({ rolloutId }) => live.rolloutChanged(rolloutId));
    d.events.on('alertsChanged', () => live.alertsChanged());
    return {
      api: live,
      parts: {
        routes: (app) => registerLiveRoutes(app, live, d.users, d.clock, { ...d.sites, facts: d.facts }),
        onDeviceReady: (id) => live.presenceChanged(id, 'online'),
        onDeviceOffline: (id) => live.presenceChanged(id, 'offline'),
      },
    };
  },
});
