import { toCsv } from '@outpost/protocol';
import type { UsageReport, UsageTotal } from './usage-report.js';

// The data-usage report as CSV (one row per SIM, cells guarded against formula injection by the
// shared writer) and as a printable HTML page with totals per carrier and per group.

export function usageReportCsv(r: UsageReport): string {
  const head = [
    'iccid',
    'device_id',
    'device_name',
    'carrier',
    'group',
    'cycle_start',
    'cycle_end',
    'plan_source',
    'limit_bytes',
    'used_bytes',
    'pct_of_plan',
    'projected_bytes',
  ];
  return toCsv([
    head,
    ...r.lines.map((l) => [
      l.iccid,
      l.deviceId,
      l.deviceName,
      l.carrier,
      l.group,
      l.cycleStart,
      l.cycleEnd,
      l.planSource,
      l.limitBytes,
      l.usedBytes,
      l.pctOfPlan,
      l.projectedBytes,
    ]),
  ]);
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function fmtBytes(n: number | null): string {
  if (n === null) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

const STYLE = `
@page { size: A4 landscape; margin: 12mm; }
body { font: 10pt/1.4 Helvetica, Arial, sans-serif; color: #111; background: #fff; margin: 0 auto; padding: 6mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
.meta { color: #333; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #999; padding: 1mm 2mm; text-align: left; }
th { background: #eee; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 2.5mm; background: #4a78b5; vertical-align: middle; }
.over { background: #b5473a; }
`;

function bar(pct: number | null): string {
  if (pct === null) return '';
  const w = Math.min(100, Math.max(0, pct));
  return ` <span class="bar${pct > 100 ? ' over' : ''}" style="width:${(w * 0.3).toFixed(1)}mm"></span>`;
}

function totalsTable(title: string, rows: UsageTotal[]): string {
  const body = rows
    .map(
      (t) =>
        `<tr><td>${esc(t.key)}</td><td class="n">${t.sims}</td><td class="n">${fmtBytes(t.usedBytes)}</td><td class="n">${fmtBytes(t.limitBytes)}</td><td class="n">${fmtBytes(t.projectedBytes)}</td></tr>`,
    )
    .join('');
  return `<h2>${esc(title)}</h2><table><thead><tr><th></th><th>SIMs</th><th>used</th><th>plan limits</th><th>projected</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function usageReportHtml(r: UsageReport): string {
  const lines = r.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.iccid)}</td><td>${esc(l.deviceName ?? l.deviceId)}</td><td>${esc(l.carrier ?? '–')}</td><td>${esc(l.group ?? '–')}</td><td>${l.cycleStart} – ${l.cycleEnd}</td><td class="n">${fmtBytes(l.limitBytes)}${l.planSource === 'group' ? ' (group)' : ''}</td><td class="n">${fmtBytes(l.usedBytes)}</td><td class="n">${l.pctOfPlan === null ? '–' : `${l.pctOfPlan}%`}${bar(l.pctOfPlan)}</td><td class="n">${fmtBytes(l.projectedBytes)}</td></tr>`,
    )
    .join('');
  const t = r.total;
  const meta = `Cycle holding ${esc(r.at)} · ${r.group ? `group ${esc(r.group)} · ` : ''}${t.sims} SIMs · ${fmtBytes(t.usedBytes)} used · generated ${esc(r.generatedAt)}`;
  const sims = `<h2>Per SIM</h2>${
    r.lines.length
      ? `<table><thead><tr><th>ICCID</th><th>device</th><th>carrier</th><th>group</th><th>cycle</th><th>plan</th><th>used</th><th>% of plan</th><th>projected</th></tr></thead><tbody>${lines}</tbody></table>`
      : '<p class="meta">no data use in this cycle</p>'
  }`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cellular data usage</title><style>${STYLE}</style></head><body><h1>Cellular data usage</h1><div class="meta">${meta}</div>${totalsTable('Per carrier', r.byCarrier)}${totalsTable('Per group', r.byGroup)}${sims}</body></html>`;
}
