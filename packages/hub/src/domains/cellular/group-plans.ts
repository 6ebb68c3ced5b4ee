import { NotFound } from '../../platform/errors.js';
import { outsideScope, type DeviceScope } from '../devices/index.js';
import type { CellularHistoryStore, GroupPlan } from './cellular-history.store.js';

const atOrBelow = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}/`);

/** Refuses a group outside a scoped caller's groups (403 outside_scope, reason group_outside_scope). */
export function requireGroupInScope(scope: Pick<DeviceScope, 'unrestricted' | 'groups'>, group: string): void {
  if (scope.unrestricted || scope.groups.some((g) => atOrBelow(group, g))) return;
  throw outsideScope(`group "${group.slice(0, 200)}" lies outside your groups (${scope.groups.join(', ')})`, {
    reason: 'group_outside_scope',
  });
}

export interface GroupPlans {
  /** The plans that bear on the caller's devices: set on its groups, below them or above them. */
  list(scope: Pick<DeviceScope, 'unrestricted' | 'groups'>): Promise<GroupPlan[]>;
  set(scope: Pick<DeviceScope, 'unrestricted' | 'groups'>, plan: GroupPlan): Promise<GroupPlan>;
  remove(scope: Pick<DeviceScope, 'unrestricted' | 'groups'>, group: string): Promise<void>;
}

export function createGroupPlans(d: {
  history: Pick<CellularHistoryStore, 'groupPlans' | 'setGroupPlan' | 'deleteGroupPlan'>;
  groupExists(path: string): Promise<boolean>;
  nowIso(): string;
}): GroupPlans {
  return {
    async list(scope) {
      const all = await d.history.groupPlans();
      if (scope.unrestricted) return all;
      return all.filter((p) => scope.groups.some((g) => atOrBelow(p.group, g) || atOrBelow(g, p.group)));
    },
    async set(scope, plan) {
      requireGroupInScope(scope, plan.group);
      if (!(await d.groupExists(plan.group))) throw new NotFound('group', plan.group);
      await d.history.setGroupPlan(plan, d.nowIso());
      return plan;
    },
    async remove(scope, group) {
      requireGroupInScope(scope, group);
      if (!(await d.history.deleteGroupPlan(group))) throw new NotFound('group plan', group);
    },
  };
}
