import { defineModule } from '../../platform/module.js';
import type { Principal } from '../users/index.js';
import { stepUpCheck, type StepUp } from '../../platform/step-up.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceSelector, MembershipNotifier } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import type { GroupReferenceHolder } from '../../platform/group-rename.js';
import { groupGroupReferences } from './group-references.js';
import type { GroupRollupSources } from './group-rollup.js';
import { registerGroupRoutes } from './groups.routes.js';
import { createGroupsService } from './groups.service.js';
import type { GroupsStore } from './groups.store.js';

/** Static and dynamic groups of devices; a rename moves a group's subtree and every reference to it. */
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
      /** The other domains' stored group references, rewritten with a rename. */
      references: readonly GroupReferenceHolder[];
      stepUp: StepUp<Principal>;
      rollup: GroupRollupSources;
    },
  ) {
    const groups = createGroupsService({ ...d, references: [groupGroupReferences, ...d.references] });
    return { api: groups, parts: { routes: (app) => registerGroupRoutes(app, groups, stepUpCheck(d.stepUp)) } };
  },
});
