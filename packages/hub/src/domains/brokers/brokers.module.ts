import { defineModule } from '../../platform/module.js';
import type { HubContext } from '../hub-context.js';
import { parseBrokerList } from '../../mqtt/broker-endpoints.js';
import { brokerMovesMigration } from './brokers.migration.js';
import { createBrokerMovesStore } from './broker-moves.store.js';
import { createBrokerMoveService, type BrokerMoveDeps } from './broker-moves.service.js';
import { registerBrokerRoutes } from './brokers.routes.js';

/** Which external broker each device is on, and moving devices between brokers by a signed instruction. */
export const brokersModule = defineModule({
  name: 'brokers',
  migrations: { '034_brokers_moves': { up: brokerMovesMigration } },
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'bus' | 'config' | 'endpoints'> &
      Pick<BrokerMoveDeps, 'caPem' | 'sign' | 'deviceExists' | 'lastEvent' | 'stepUp' | 'audit'>,
  ) {
    const moves = createBrokerMoveService({
      ...d,
      store: createBrokerMovesStore(d.db),
      brokers: d.config.brokers ? parseBrokerList(d.config.brokers) : null,
      assigned: (id) => d.endpoints(id).mqttUrl,
    });
    return {
      api: moves,
      parts: {
        routes: (app) => registerBrokerRoutes(app, moves),
        jobs: [{ name: 'brokers.moves', everyMs: 1000, run: () => moves.settle() }],
        onDeviceReady: () => void moves.settle().catch(() => undefined),
      },
    };
  },
});
