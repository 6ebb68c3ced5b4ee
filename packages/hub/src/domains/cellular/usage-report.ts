import type { GroupPlan } from './cellular-history.store.js';
import { cycleOf, dayKey, projectedUse } from './billing-cycle.js';
import type { UsageReportStore } from './usage-report.store.js';
import type { DeviceWhere } from '../devices/index.js';
import type { CellularUsageReport, CellularUsageTotal } from '@outpost/protocol';

const DEFAULT_CYCLE_DAY = 1;

/** One SIM's line of the usage report. */
export type UsageReportLine = CellularUsageReport['lines'][number];

export type UsageTotal = CellularUsageTotal;

export type UsageReport = CellularUsageReport;

function totals(lines: UsageReportLine[], keyOf: (l: UsageReportLine) => string): UsageTotal[] {
  const m = new Map<string, UsageTotal>();
  for (const l of lines) {
    const key = keyOf(l);
    const t = m.get(key) ?? m.set(key, { key, sims: 0, usedBytes: 0, limitBytes: 0, projectedBytes: 0 }).get(key)!;
    t.sims++;
    t.usedBytes += l.usedBytes;
    t.limitBytes += l.limitBytes ?? 0;
    t.projectedBytes += l.projectedBytes ?? l.usedBytes;
  }
  return [...m.values()].sort((a, b) => b.usedBytes - a.usedBytes || a.key.localeCompare(b.key));
}

/**
 * Data use of every SIM in the cycle that holds `at` (its own cycle: plans start on different
 * days), against the plan it is held to: its own, else its device's nearest group's.
 */
export async function buildUsageReport(o: {
  store: UsageReportStore;
  groupPlans: GroupPlan[];
  /** The devices reported on: the caller's scope, narrowed to the asked group (null: every device). */
  where: DeviceWhere | null;
  group: string | null;
  at: Date;
  now: Date;
  simPlanDays: number[];
}): Promise<UsageReport> {
  const days = [...new Set([DEFAULT_CYCLE_DAY, ...o.simPlanDays, ...o.groupPlans.map((g) => g.cycleStartDay)])];
  const cycleByDay = new Map(days.map((d) => [d, cycleOf(o.at, d)]));
  const starts = [...new Set([...cycleByDay.values()].map((c) => dayKey(c.start)))];
  const rows = await o.store.rows(starts, o.where);
  // Deepest group first: a device takes the plan of the nearest group holding it.
  const byDepth = [...o.groupPlans].sort(
    (a, b) => b.group.split('/').length - a.group.split('/').length || a.group.localeCompare(b.group),
  );
  const groupPlanOf = new Map<string, GroupPlan>();
  for (const gp of byDepth)
    for (const id of await o.store.devicesInGroup(starts, gp.group)) if (!groupPlanOf.has(id)) groupPlanOf.set(id, gp);
  const lines: UsageReportLine[] = [];
  for (const r of rows) {
    const gp = r.simPlan ? undefined : groupPlanOf.get(r.deviceId);
    const plan = r.simPlan ?? gp;
    const cycle = cycleByDay.get(plan?.cycleStartDay ?? DEFAULT_CYCLE_DAY)!;
    if (dayKey(cycle.start) !== r.cycleStart) continue; // a row of another plan's cycle
    const current = o.now >= cycle.start && o.now < cycle.end;
    const projected = current ? (projectedUse(r.usedBytes, cycle, o.now) ?? null) : r.usedBytes;
    const limit = plan?.limitBytes ?? null;
    lines.push({
      iccid: r.iccid,
      deviceId: r.deviceId,
      deviceName: r.deviceName,
      carrier: r.carrier,
      group: r.group,
      cycleStart: r.cycleStart,
      cycleEnd: dayKey(cycle.end),
      limitBytes: limit,
      planSource: r.simPlan ? 'sim' : gp ? 'group' : 'none',
      usedBytes: r.usedBytes,
      pctOfPlan: limit ? Math.round((r.usedBytes / limit) * 1000) / 10 : null,
      projectedBytes: projected,
    });
  }
  const all = totals(lines, () => 'all')[0] ?? { key: 'all', sims: 0, usedBytes: 0, limitBytes: 0, projectedBytes: 0 };
  return {
    generatedAt: o.now.toISOString(),
    at: dayKey(o.at),
    group: o.group,
    lines,
    byCarrier: totals(lines, (l) => l.carrier ?? '(unknown)'),
    byGroup: totals(lines, (l) => l.group ?? '(no group)'),
    total: all,
  };
}
