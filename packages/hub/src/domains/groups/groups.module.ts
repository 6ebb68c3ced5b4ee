import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceSelector, MembershipNotifier } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import { registerGroupRoutes } from './groups.routes.js';
import { createGroupsService } from './groups.service.js';
import type { GroupsStore } from './groups.store.js';

/** Static and dynamic groups of devices. */
export const groupsModule = defineModule({
  name: 'groups',
  migrations: {},
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'clock'> & {
      store: GroupsStore;
      devices: DeviceDirectory;
      selector: DeviceSelector;
      membership: MembershipNotifier;
      audit: AuditLog;
    },
  ) {
    const groups = createGroupsService(d);
    return { api: groups, parts: { routes: (app) => registerGroupRoutes(app, groups) } };
  },
});
