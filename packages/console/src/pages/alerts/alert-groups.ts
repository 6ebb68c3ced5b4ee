import type { Alert, Device } from '../../app/route-types.js';

export type AlertGrouping = 'none' | 'rule' | 'group' | 'site';

export const GROUPINGS: Array<[AlertGrouping, string]> = [
  ['none', 'No grouping'],
  ['rule', 'Rule'],
  ['group', 'Device group'],
  ['site', 'Site'],
];

export interface AlertGroup {
  key: string;
  label: string;
  alerts: Alert[];
  firing: number;
  critical: number;
}

/** The site a device is at: its `site` tag, else its location. */
function siteOf(d: Device | undefined): string | null {
  return d?.tags.site ?? d?.location ?? null;
}

/** The keys one alert falls under: a device in two groups counts in both. */
function keysOf(a: Alert, by: AlertGrouping, devices: Map<string, Device> | undefined): Array<[string, string]> {
  if (by === 'rule') return [[a.ruleId, a.ruleName]];
  const d = devices?.get(a.deviceId);
  if (by === 'site') {
    const site = siteOf(d);
    return [site ? [`site:${site}`, site] : ['', 'No site']];
  }
  const groups = d?.groups ?? [];
  return groups.length ? groups.map((g) => [`group:${g}`, g]) : [['', 'In no group']];
}

/** Alerts grouped by rule, device group or site, biggest group first; the ungrouped last. */
export function groupAlerts(
  alerts: Alert[],
  by: AlertGrouping,
  devices: Map<string, Device> | undefined,
): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  for (const a of alerts)
    for (const [key, label] of keysOf(a, by, devices)) {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, label, alerts: [], firing: 0, critical: 0 }));
      g.alerts.push(a);
      if (a.state === 'firing') g.firing++;
      if (a.severity === 'critical') g.critical++;
    }
  return [...groups.values()].sort(
    (x, y) =>
      Number(x.key === '') - Number(y.key === '') ||
      y.alerts.length - x.alerts.length ||
      x.label.localeCompare(y.label),
  );
}
