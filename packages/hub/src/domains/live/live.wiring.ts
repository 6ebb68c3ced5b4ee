import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Db } from '../../storage/database.js';
import type { GatewayHooks } from '../devices/index.js';
import { createLiveStore } from './live.store.js';
import { createLiveService, type LiveOptions } from './live.service.js';

/**
 * Live updates for consoles, fed by the gateway's presence hooks, the audit log's tail, and the
 * change notices other domains send to `rolloutChanged`/`alertsChanged` (read back through `progress`).
 */
export function createLiveDomain(d: { db: Db; clock: Clock; logger: Logger; hooks: GatewayHooks; progress: LiveOptions['progress'] }) {
  const live = createLiveService({ store: createLiveStore(d.db), clock: d.clock, logger: d.logger, progress: d.progress });
  d.hooks.onReady((id) => live.presenceChanged(id, 'online'));
  d.hooks.onOffline((id) => live.presenceChanged(id, 'offline'));
  return live;
}
