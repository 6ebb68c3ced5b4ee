import { defineModule } from '../../platform/module.js';
import type { DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { registerTrafficRoutes } from './traffic.routes.js';
import { createTrafficService } from './traffic.service.js';
import { createTrafficStore } from './traffic.store.js';

/** Each device's network flows against its learned baseline. */
export const trafficModule = defineModule({
  name: 'traffic',
  migrations: {},
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'config'> & { selector: DeviceSelector }) {
    const store = createTrafficStore(d.db);
    const traffic = createTrafficService({
      store,
      clock: d.clock,
      logger: d.logger,
      learningS: d.config.trafficLearningS,
      flushMs: 200,
    });
    return {
      api: { traffic, store },
      parts: {
        routes: (app) => registerTrafficRoutes(app, traffic, d.selector, d.clock),
        topics: { flows: traffic.onFlows },
      },
    };
  },
});
