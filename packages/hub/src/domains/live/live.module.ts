import { defineModule } from '../../platform/module.js';
import type { HubContext } from '../hub-context.js';
import type { UsersService } from '../users/index.js';
import { registerLiveRoutes } from './live.routes.js';
import { createLiveService, type LiveOptions } from './live.service.js';
import { createLiveStore, type LiveSources } from './live.store.js';
import type { SiteRollupSources } from './site-rollup.js';
import { shareLiveChanges } from './live.replicas.js';
import type { ReplicaChannel } from '../../platform/replica-channel.js';

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
      /** Other hub replicas on the same database: changes seen here reach their consoles, and theirs ours. */
      replicas?: ReplicaChannel;
    } & LiveSources,
  ) {
    const live = createLiveService({
      store: createLiveStore(d),
      clock: d.clock,
      logger: d.logger,
      progress: d.progress,
    });
    const changes = shareLiveChanges(live, d.replicas);
    d.events.on('rolloutChanged', ({ rolloutId }) => changes.rolloutChanged(rolloutId));
    d.events.on('alertsChanged', () => changes.alertsChanged());
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
