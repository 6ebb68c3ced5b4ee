import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceSelector } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { registerCommandRoutes } from './commands.routes.js';
import { createCommandsService } from './commands.service.js';
import { createCommandsStore } from './commands.store.js';

/** Commands to one device or many, with deadlines; delivered when a device is reachable. */
export const commandsModule = defineModule({
  name: 'commands',
  migrations: {},
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'bus'> & {
      devices: DeviceDirectory;
      selector: DeviceSelector;
      isReady(deviceId: string): boolean;
      audit: AuditLog;
    },
  ) {
    const commands = createCommandsService({ ...d, store: createCommandsStore(d.db) });
    const deliver = (id: string) =>
      void commands
        .deliverPending(id)
        .catch((err: unknown) => d.logger.warn({ err, id }, 'pending command delivery failed'));
    return {
      api: commands,
      parts: {
        routes: (app) => registerCommandRoutes(app, commands),
        jobs: [{ name: 'commands.expire', everyMs: 1000, run: () => commands.expire() }],
        onDeviceReady: deliver,
      },
    };
  },
});
