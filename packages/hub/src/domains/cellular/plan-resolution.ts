import type { GroupPlan } from './cellular-history.store.js';
import type { Plan } from './cellular.store.js';

/** The plan a SIM is held to, and where it comes from. */
export type EffectivePlan =
  | { source: 'sim'; limitBytes: number; cycleStartDay: number }
  | { source: 'group'; group: string; limitBytes: number; cycleStartDay: number };

const atOrBelow = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}/`);

/**
 * The SIM's own plan when it has one; else the plan of the nearest group above the device: of the
 * group plans set on one of its static groups or an ancestor of one, the deepest wins (the first
 * by path among equals). Undefined: no plan (cycles start on the 1st, no limit).
 */
export function effectivePlan(
  simPlan: Pick<Plan, 'limitBytes' | 'cycleStartDay'> | undefined,
  deviceGroups: readonly string[],
  groupPlans: readonly GroupPlan[],
): EffectivePlan | undefined {
  if (simPlan) return { source: 'sim', limitBytes: simPlan.limitBytes, cycleStartDay: simPlan.cycleStartDay };
  let best: GroupPlan | undefined;
  for (const gp of groupPlans) {
    if (!deviceGroups.some((g) => atOrBelow(g, gp.group))) continue;
    const depth = gp.group.split('/').length;
    const bestDepth = best ? best.group.split('/').length : -1;
    if (depth > bestDepth || (depth === bestDepth && gp.group < best!.group)) best = gp;
  }
  return best && { source: 'group', group: best.group, limitBytes: best.limitBytes, cycleStartDay: best.cycleStartDay };
}
