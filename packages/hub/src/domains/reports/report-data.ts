import type { AlertScope, HealthState } from '@outpost/protocol';
import { NotFound } from '../../platform/errors.js';
import { observedAvailability, observedFrom } from '../devices/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { DeviceWhere } from '../devices/index.js';
import type { AlertsStore } from '../alerts/index.js';
import { emptyCounts, type HealthVerdict } from '../health/index.js';
import type { DeviceHistory, DeviceSnapshot, FleetSnapshotStore } from '../devices/index.js';
import { scopeWhere } from '../fleet/index.js';
import type { TrafficStore } from '../traffic/index.js';
import type { HourlyHealth } from '../health/index.js';
import { addToBuckets, bucketSize, onlineIntervals } from './report-availability.js';
import { metricSeries, withRollups } from './report-metrics.js';
import type { ReportsStore } from './reports.store.js';

export interface Period {
  from: string;
  to: string;
  hours: number;
}

/** Share of time online per bucket, over the time devices were in service (null: none was). */
export interface AvailabilitySeries {
  bucketHours: number;
  points: Array<{ from: string; pct: number | null }>;
}

export interface DeviceRow {
  id: string;
  name: string;
  model: string | null;
  firmware: string | null;
  presence: string;
  /** Null for a device that was never connected in the period. */
  availabilityPct: number | null;
  offlineS: number;
  offlinePeriods: number;
  health: HealthState;
  alerts: number;
  trafficBytes: number;
}

export interface FleetReport {
  kind: 'fleet';
  title: string;
  generatedAt: string;
  period: Period;
  scope: AlertScope;
  summary: {
    devices: number;
    online: number;
    offline: number;
    neverSeen: number;
    availabilityPct: number;
    alertsFired: number;
    trafficBytes: number;
  };
  health: Record<HealthState, number>;
  firmware: Array<{ model: string; firmware: string; devices: number }>;
  availabilitySeries: AvailabilitySeries;
  alerts: { byRule: Array<{ rule: string; type: string; count: number }>; bySeverity: Record<string, number> };
  topProblems: Array<DeviceRow & { score: number }>;
  offlinePeriods: Array<{ deviceId: string; name: string; from: string; to: string | null; durationS: number }>;
  traffic: {
    totalBytes: number;
    byHour: Array<{ hour: string; bytes: number }>;
    topTalkers: Array<{ deviceId: string; name: string; bytes: number }>;
  };
  devices: DeviceRow[];
}

export interface DeviceReport {
  kind: 'device';
  title: string;
  generatedAt: string;
  period: Period;
  device: {
    id: string;
    name: string;
    model: string | null;
    firmware: string | null;
    presence: string;
    lastSeenAt: string | null;
    certExpiresAt: string | null;
  };
  availability: { pct: number | null; offlinePeriods: Array<{ from: string; to: string | null }> };
  availabilitySeries: AvailabilitySeries;
  health: HealthVerdict;
  metrics: Record<string, Array<{ at: string; avg: number; max: number }>>;
  alerts: Array<{
    id: string;
    rule: string;
    severity: string;
    firedAt: string;
    resolvedAt: string | null;
    state: string;
    text: string;
  }>;
  traffic: { totalBytes: number; byHour: Array<{ hour: string; bytes: number }> };
}

export interface ReportDataDeps {
  fleet: FleetSnapshotStore;
  selector: DeviceSelector;
  reports: ReportsStore;
  /** Presence changes and raw health reports, read from the devices domain's history. */
  history: Pick<DeviceHistory, 'presenceAt' | 'presenceChangesBetween' | 'healthSamplesOf'>;
  alerts: Pick<AlertsStore, 'firedBetween'>;
  traffic: Pick<TrafficStore, 'summary'>;
  verdicts(devices: DeviceSnapshot[]): Promise<Map<string, HealthVerdict>>;
  /** Hourly health roll-ups, for the part of a period older than the raw samples kept. */
  hourly(deviceIds: string[], fromIso: string, toIso: string): Promise<HourlyHealth[]>;
}

function presenceBuckets(
  period: { from: number; to: number },
  devices: string[],
  initial: Map<string, string>,
  changes: Map<string, Array<{ state: string; at: string }>>,
) {
  const size = bucketSize(period.to - period.from);
  // Buckets on whole UTC hours or days, so the bars line up with the clock (the first and last are partial).
  const first = Math.floor(period.from / size) * size;
  const n = Math.max(1, Math.ceil((period.to - first) / size));
  const online = new Array<number>(n).fill(0);
  const observed = new Array<number>(n).fill(0);
  for (const id of devices) {
    const start = observedFrom(initial.get(id) ?? null, changes.get(id) ?? [], period.from);
    if (start === null) continue;
    addToBuckets(
      online,
      onlineIntervals(initial.get(id) ?? null, changes.get(id) ?? [], period.from, period.to),
      first,
      size,
    );
    addToBuckets(observed, [[start, period.to]], first, size);
  }
  return {
    bucketHours: size / 3_600_000,
    points: online.map((ms, k) => ({
      from: new Date(first + k * size).toISOString(),
      pct: observed[k] > 0 ? Math.round((ms / observed[k]) * 1000) / 10 : null,
    })),
  };
}

function groupChanges(rows: Array<{ device_id: string; state: string; at: string }>) {
  const m = new Map<string, Array<{ state: string; at: string }>>();
  for (const r of rows)
    (m.get(r.device_id) ?? m.set(r.device_id, []).get(r.device_id)!).push({ state: r.state, at: r.at });
  return m;
}

/** Reads what fleet and device reports show, for a period, from the monitoring stores. */
export function createReportData(d: ReportDataDeps) {
  async function presence(p: Period, where: DeviceWhere | null) {
    const [initial, rows] = await Promise.all([
      d.history.presenceAt(p.from, where),
      d.history.presenceChangesBetween(p.from, p.to, where),
    ]);
    return { initial, changes: groupChanges(rows) };
  }

  function deviceRows(
    devs: DeviceSnapshot[],
    p: Period,
    pres: Awaited<ReturnType<typeof presence>>,
    verdicts: Map<string, HealthVerdict>,
    alertCounts: Map<string, number>,
    bytes: Map<string, number>,
  ) {
    const from = new Date(p.from);
    const to = new Date(p.to);
    return devs.map((dev) => {
      const changes = pres.changes.get(dev.id) ?? [];
      const initial = pres.initial.get(dev.id) ?? null;
      const a = observedAvailability(initial, changes, from, to);
      return {
        row: {
          id: dev.id,
          name: dev.name,
          model: dev.model,
          firmware: dev.firmware,
          presence: dev.presence,
          availabilityPct: a.observedFrom === null ? null : a.onlinePct,
          offlineS: Math.round(
            a.offlinePeriods.reduce((s, o) => s + (Date.parse(o.to ?? p.to) - Date.parse(o.from)), 0) / 1000,
          ),
          offlinePeriods: a.offlinePeriods.length,
          health: verdicts.get(dev.id)?.state ?? 'unknown',
          alerts: alertCounts.get(dev.id) ?? 0,
          trafficBytes: bytes.get(dev.id) ?? 0,
        } satisfies DeviceRow,
        offline: a.offlinePeriods,
      };
    });
  }

  async function fleetReport(scope: AlertScope, p: Period, generatedAt: string): Promise<FleetReport> {
    const where = await scopeWhere(d.selector, scope);
    const devs = await d.fleet.devices(where);
    const [pres, verdicts, fired, traffic] = await Promise.all([
      presence(p, where),
      d.verdicts(devs),
      d.alerts.firedBetween(p.from, p.to, where),
      d.traffic.summary(p.from, p.to, where),
    ]);
    const alertCounts = new Map<string, number>();
    for (const a of fired) alertCounts.set(a.device_id, (alertCounts.get(a.device_id) ?? 0) + 1);
    const rows = deviceRows(devs, p, pres, verdicts, alertCounts, traffic.byDevice);
    const devices = rows.map((r) => r.row);
    const health = emptyCounts();
    for (const r of devices) health[r.health]++;
    const names = new Map(devs.map((x) => [x.id, x.name]));
    return {
      kind: 'fleet',
      title: `Fleet report${scope.group ? ` — group ${scope.group}` : ''}${scope.filter ? ` — ${scope.filter}` : ''}`,
      generatedAt,
      period: p,
      scope,
      summary: summaryOf(devices, fired.length),
      health,
      firmware: firmwareOf(devs),
      availabilitySeries: presenceBuckets(
        { from: Date.parse(p.from), to: Date.parse(p.to) },
        devs.map((x) => x.id),
        pres.initial,
        pres.changes,
      ),
      alerts: alertsOf(fired),
      topProblems: topProblems(devices, p),
      offlinePeriods: rows
        .flatMap((r) =>
          r.offline.map((o) => ({
            deviceId: r.row.id,
            name: r.row.name,
            from: o.from,
            to: o.to,
            durationS: Math.round((Date.parse(o.to ?? p.to) - Date.parse(o.from)) / 1000),
          })),
        )
        .sort((a, b) => b.durationS - a.durationS)
        .slice(0, 50),
      traffic: {
        totalBytes: devices.reduce((s, r) => s + r.trafficBytes, 0),
        byHour: traffic.byHour,
        topTalkers: [...traffic.byDevice]
          .filter(([id]) => names.has(id))
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10)
          .map(([deviceId, bytes]) => ({ deviceId, name: names.get(deviceId)!, bytes })),
      },
      devices,
    };
  }

  async function deviceReport(deviceId: string, p: Period, generatedAt: string): Promise<DeviceReport> {
    const [dev] = await d.fleet.devices(null, { ids: [deviceId] });
    if (!dev) throw new NotFound('device', deviceId);
    const where = await d.selector.where(`id = ${JSON.stringify(deviceId)}`);
    const [pres, verdicts, fired, traffic, samples, hourly] = await Promise.all([
      presence(p, where),
      d.verdicts([dev]),
      d.alerts.firedBetween(p.from, p.to, where),
      d.traffic.summary(p.from, p.to, where),
      d.history.healthSamplesOf(deviceId, p.from, p.to, 50_000),
      d.hourly([deviceId], p.from, p.to),
    ]);
    const changes = pres.changes.get(deviceId) ?? [];
    const initial = pres.initial.get(deviceId) ?? null;
    const a = observedAvailability(initial, changes, new Date(p.from), new Date(p.to));
    return {
      kind: 'device',
      title: `Device report — ${dev.name}`,
      generatedAt,
      period: p,
      device: {
        id: dev.id,
        name: dev.name,
        model: dev.model,
        firmware: dev.firmware,
        presence: dev.presence,
        lastSeenAt: dev.lastSeenAt,
        certExpiresAt: dev.certExpiresAt,
      },
      availability: { pct: a.observedFrom === null ? null : a.onlinePct, offlinePeriods: a.offlinePeriods },
      availabilitySeries: presenceBuckets(
        { from: Date.parse(p.from), to: Date.parse(p.to) },
        [deviceId],
        pres.initial,
        pres.changes,
      ),
      health: verdicts.get(deviceId)!,
      metrics: withRollups(metricSeries(samples, p), hourly, samples[0]?.ts ?? p.to),
      alerts: fired.map((x) => ({
        id: x.id,
        rule: x.rule_name,
        severity: x.severity,
        firedAt: x.fired_at,
        resolvedAt: x.resolved_at,
        state: x.state,
        text: x.text,
      })),
      traffic: { totalBytes: traffic.byDevice.get(deviceId) ?? 0, byHour: traffic.byHour },
    };
  }

  return { fleetReport, deviceReport };
}

function summaryOf(devices: DeviceRow[], alertsFired: number): FleetReport['summary'] {
  const count = (s: string) => devices.filter((r) => r.presence === s).length;
  const seen = devices.filter((r) => r.availabilityPct !== null);
  const avail = seen.length ? seen.reduce((s, r) => s + r.availabilityPct!, 0) / seen.length : 0;
  return {
    devices: devices.length,
    online: count('online'),
    offline: count('offline'),
    neverSeen: count('never_seen'),
    availabilityPct: Math.round(avail * 100) / 100,
    alertsFired,
    trafficBytes: devices.reduce((s, r) => s + r.trafficBytes, 0),
  };
}

function firmwareOf(devs: DeviceSnapshot[]) {
  const m = new Map<string, { model: string; firmware: string; devices: number }>();
  for (const x of devs) {
    const key = `${x.model ?? '?'}\u0000${x.firmware ?? '?'}`;
    const e =
      m.get(key) ??
      m.set(key, { model: x.model ?? 'unknown', firmware: x.firmware ?? 'unknown', devices: 0 }).get(key)!;
    e.devices++;
  }
  return [...m.values()].sort((a, b) => b.devices - a.devices || a.model.localeCompare(b.model));
}

function alertsOf(fired: Array<{ rule_name: string; rule_type: string; severity: string }>) {
  const byRule = new Map<string, { rule: string; type: string; count: number }>();
  const bySeverity: Record<string, number> = { info: 0, warning: 0, critical: 0 };
  for (const a of fired) {
    (
      byRule.get(a.rule_name) ??
      byRule.set(a.rule_name, { rule: a.rule_name, type: a.rule_type, count: 0 }).get(a.rule_name)!
    ).count++;
    bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + 1;
  }
  return { byRule: [...byRule.values()].sort((a, b) => b.count - a.count), bySeverity };
}

// Downtime weighs most, then alerts, then a bad health state: what an operator would look at first.
function topProblems(devices: DeviceRow[], p: Period) {
  const periodS = Math.max(1, (Date.parse(p.to) - Date.parse(p.from)) / 1000);
  return devices
    .map((r) => ({
      ...r,
      score:
        Math.round(
          ((r.offlineS / periodS) * 100 + r.alerts * 5 + (r.health === 'error' ? 20 : r.health === 'warning' ? 5 : 0)) *
            10,
        ) / 10,
    }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 10);
}
