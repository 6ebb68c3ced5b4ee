import { toCsv } from '@outpost/protocol';
import type { AvailabilitySeries, DeviceReport, DeviceRow, FleetReport } from './report-data.js';
import { barChart, esc, hbarChart, lineChart } from './svg-charts.js';

// Print first: A4 margins, dark text on white, sections that do not split across pages.
const STYLE = `
@page { size: A4; margin: 14mm; }
body { font: 11pt/1.4 Helvetica, Arial, sans-serif; color: #111; background: #fff; margin: 0 auto; max-width: 182mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm; }
.meta { color: #333; font-size: 9.5pt; margin-bottom: 4mm; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; }
.tile { border: 1px solid #888; padding: 2mm 3mm; }
.tile b { display: block; font-size: 16pt; }
.tile span { font-size: 9pt; color: #333; }
.tiles + table { margin-top: 3mm; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border: 1px solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
section { break-inside: avoid; page-break-inside: avoid; }
svg { display: block; margin: 2mm 0; }
.muted { color: #444; font-size: 9pt; }
@media print { a { color: #111; text-decoration: none; } .tile { border-color: #444; } }
`;

const STATES = ['normal', 'warning', 'error', 'unknown'] as const;

export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

function duration(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16) + ' UTC';
const pct = (v: number | null) => (v === null ? '–' : `${v.toFixed(v === 100 || v === 0 ? 0 : 1)}%`);
const tile = (value: string, label: string) => `<div class="tile"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  if (rows.length === 0) return '<p class="muted">none in this period</p>';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function page(title: string, meta: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body><h1>${esc(title)}</h1><div class="meta">${meta}</div>${body}</body></html>`;
}

function seriesLabel(iso: string, hourly: boolean) {
  return hourly ? iso.slice(11, 13) + 'h' : iso.slice(5, 10);
}

function availabilityChart(series: AvailabilitySeries) {
  const hourly = series.bucketHours <= 1;
  return barChart({
    title: `Availability per ${hourly ? 'hour' : 'day'} (% online)`,
    bars: series.points.map((s) => ({ label: seriesLabel(s.from, hourly), value: s.pct })),
    max: 100,
    fmt: (v) => `${Math.round(v)}`,
  });
}

function problemRows(rows: Array<DeviceRow & { score: number }>) {
  return rows.map((r) => [
    esc(r.name),
    esc(r.model ?? '-'),
    pct(r.availabilityPct),
    duration(r.offlineS),
    String(r.alerts),
    esc(r.health),
    String(r.score),
  ]);
}

export function renderFleetHtml(r: FleetReport): string {
  const s = r.summary;
  const tiles = [
    tile(String(s.devices), 'devices'),
    tile(pct(s.availabilityPct), 'average availability'),
    tile(`${s.online} / ${s.offline}`, 'online / offline now'),
    tile(String(s.alertsFired), 'alerts fired'),
    tile(String(r.health.error), 'devices in error'),
    tile(String(r.health.warning), 'devices in warning'),
    tile(String(s.neverSeen), 'never seen'),
    tile(bytes(r.traffic.totalBytes), 'traffic'),
  ].join('');
  const body = [
    `<section><div class="tiles">${tiles}</div></section>`,
    `<section><h2>Availability</h2>${availabilityChart(r.availabilitySeries)}</section>`,
    `<section><h2>Health states</h2>${hbarChart({ title: 'Devices per health state', bars: STATES.map((st) => ({ label: st, value: r.health[st] })) })}</section>`,
    `<section><h2>Firmware versions</h2>${hbarChart({ title: 'Devices per model and firmware', bars: r.firmware.map((f) => ({ label: `${f.model} ${f.firmware}`, value: f.devices })) })}</section>`,
    `<section><h2>Alerts</h2>${hbarChart({ title: 'Alerts fired per rule', bars: r.alerts.byRule.map((a) => ({ label: a.rule, value: a.count })) })}<p class="muted">by severity: critical ${r.alerts.bySeverity.critical ?? 0}, warning ${r.alerts.bySeverity.warning ?? 0}, info ${r.alerts.bySeverity.info ?? 0}</p></section>`,
    `<section><h2>Top problem devices</h2>${table(['device', 'model', 'availability', 'offline', 'alerts', 'health', 'score'], problemRows(r.topProblems), [2, 3, 4, 6])}</section>`,
    `<section><h2>Longest offline periods</h2>${table(
      ['device', 'from', 'to', 'duration'],
      r.offlinePeriods
        .slice(0, 20)
        .map((o) => [esc(o.name), when(o.from), o.to ? when(o.to) : 'still offline', duration(o.durationS)]),
      [3],
    )}</section>`,
    `<section><h2>Traffic</h2>${barChart({ title: 'Fleet traffic per hour', bars: r.traffic.byHour.map((h) => ({ label: h.hour.slice(11, 13) + 'h', value: h.bytes })), fmt: bytes })}${hbarChart({ title: 'Top talkers', bars: r.traffic.topTalkers.map((t) => ({ label: t.name, value: t.bytes })), fmt: bytes })}</section>`,
  ].join('');
  return page(
    r.title,
    `Period ${when(r.period.from)} – ${when(r.period.to)} (${r.period.hours} h) · generated ${when(r.generatedAt)}`,
    body,
  );
}

// Fixed ranges where a metric has natural ones, so charts of different devices compare at a glance.
const METRIC_TITLES: Record<string, { title: string; fmt: (v: number) => string; min?: number; max?: number }> = {
  cpuPct: { title: 'CPU (%)', fmt: (v) => `${Math.round(v)}`, min: 0, max: 100 },
  memUsedPct: { title: 'Memory used (%)', fmt: (v) => `${Math.round(v)}`, min: 0, max: 100 },
  diskUsedPct: { title: 'Disk used (%)', fmt: (v) => `${Math.round(v)}`, min: 0, max: 100 },
  temperatureC: { title: 'Temperature (°C)', fmt: (v) => `${Math.round(v)}`, min: 0, max: 100 },
  signalDbm: { title: 'Signal (dBm)', fmt: (v) => `${Math.round(v)}`, min: -120, max: -40 },
  load1: { title: 'Load (1 min)', fmt: (v) => v.toFixed(1) },
};

export function renderDeviceHtml(r: DeviceReport): string {
  const dv = r.device;
  const tiles = [
    tile(pct(r.availability.pct), 'availability'),
    tile(dv.presence, 'presence now'),
    tile(r.health.state, 'health'),
    tile(String(r.alerts.length), 'alerts fired'),
  ].join('');
  const facts = table(
    ['model', 'firmware', 'last seen', 'certificate expires'],
    [
      [
        esc(dv.model ?? '-'),
        esc(dv.firmware ?? '-'),
        dv.lastSeenAt ? when(dv.lastSeenAt) : '-',
        dv.certExpiresAt ? when(dv.certExpiresAt) : '-',
      ],
    ],
  );
  const metrics = Object.entries(METRIC_TITLES)
    .filter(([m]) => r.metrics[m]?.length)
    .map(([m, c]) =>
      lineChart({
        title: c.title,
        points: r.metrics[m].map((p) => ({ at: p.at, value: p.avg })),
        fmt: c.fmt,
        min: c.min,
        max: c.max,
        from: r.period.from,
        to: r.period.to,
      }),
    )
    .join('');
  const body = [
    `<section><div class="tiles">${tiles}</div>${facts}</section>`,
    `<section><h2>Availability</h2>${availabilityChart(r.availabilitySeries)}${table(
      ['offline from', 'to'],
      r.availability.offlinePeriods.map((o) => [when(o.from), o.to ? when(o.to) : 'still offline']),
    )}</section>`,
    `<section><h2>Health</h2><p>${esc(r.health.state)}${r.health.reasons.length ? ': ' + esc(r.health.reasons.map((x) => `${x.metric} ${x.value} (${x.state})`).join(', ')) : ''}</p>${metrics || '<p class="muted">no health reports in this period</p>'}</section>`,
    `<section><h2>Alerts</h2>${table(
      ['fired', 'rule', 'severity', 'state', 'what'],
      r.alerts.map((a) => [when(a.firedAt), esc(a.rule), esc(a.severity), esc(a.state), esc(a.text)]),
    )}</section>`,
    `<section><h2>Traffic</h2><p>${bytes(r.traffic.totalBytes)} in the period</p>${barChart({ title: 'Traffic per hour', bars: r.traffic.byHour.map((h) => ({ label: h.hour.slice(11, 13) + 'h', value: h.bytes })), fmt: bytes })}</section>`,
  ].join('');
  return page(
    r.title,
    `Device ${esc(dv.id)} · period ${when(r.period.from)} – ${when(r.period.to)} (${r.period.hours} h) · generated ${when(r.generatedAt)}`,
    body,
  );
}

export function renderFleetCsv(r: FleetReport): string {
  const head = [
    'device_id',
    'name',
    'model',
    'firmware',
    'presence',
    'availability_pct',
    'offline_s',
    'offline_periods',
    'health',
    'alerts',
    'traffic_bytes',
  ];
  return toCsv([
    head,
    ...r.devices.map((x) => [
      x.id,
      x.name,
      x.model,
      x.firmware,
      x.presence,
      x.availabilityPct,
      x.offlineS,
      x.offlinePeriods,
      x.health,
      x.alerts,
      x.trafficBytes,
    ]),
  ]);
}

export function renderDeviceCsv(r: DeviceReport): string {
  const rows: Array<Array<string | number | null>> = [['section', 'at', 'metric', 'value', 'detail']];
  for (const s of r.availabilitySeries.points) rows.push(['availability', s.from, 'online_pct', s.pct, null]);
  for (const [m, pts] of Object.entries(r.metrics))
    for (const p of pts) rows.push(['health', p.at, m, p.avg, `max ${p.max}`]);
  for (const h of r.traffic.byHour) rows.push(['traffic', h.hour, 'bytes', h.bytes, null]);
  for (const a of r.alerts) rows.push(['alert', a.firedAt, a.rule, a.severity, a.text]);
  return toCsv(rows);
}
