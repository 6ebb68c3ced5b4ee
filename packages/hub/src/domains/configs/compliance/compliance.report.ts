import { toCsv, type ComplianceRow, type CsvValue, type DriftIncident } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { ValidationError } from '../../../platform/errors.js';
import type { DeviceScope } from '../../devices/index.js';
import type { ComplianceService } from './compliance.service.js';
import type { ComplianceStore, IncidentRow } from './compliance.store.js';

const MAX_ROWS = 100_000;

export interface ReportQuery {
  format?: 'json' | 'csv';
  view?: 'states' | 'incidents' | 'remediations';
  template?: string;
  filter?: string;
  hours?: number;
}

const toIncident = (r: IncidentRow): DriftIncident => ({
  id: r.id,
  deviceId: r.device_id,
  template: r.template_name,
  keys: JSON.parse(r.keys_json) as string[],
  users: JSON.parse(r.users_json) as string[],
  detectedAt: r.detected_at,
  resolvedAt: r.resolved_at,
  resolution: r.resolution,
  remediations: r.remediations,
  durationS: r.resolved_at ? Math.round((Date.parse(r.resolved_at) - Date.parse(r.detected_at)) / 100) / 10 : null,
});

/** A header and its rows as CSV (protocol's one writer: RFC 4180, formula injection defused). */
export function tableCsv(header: string[], rows: CsvValue[][]): string {
  return toCsv([header, ...rows]);
}

const diffText = (r: ComplianceRow) =>
  r.diff
    .map((x) =>
      x.secret ? `${x.key}: changed (secret)` : `${x.key}: ${JSON.stringify(x.desired)} -> ${JSON.stringify(x.actual)}`,
    )
    .join('; ');

/** The auditor's report: state of every device and template, each drift with its fix and how long it took. */
export function createComplianceReport(d: { compliance: ComplianceService; store: ComplianceStore; clock: Clock }) {
  async function allRows(q: ReportQuery, caller?: DeviceScope): Promise<ComplianceRow[]> {
    const out: ComplianceRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await d.compliance.list({ template: q.template, filter: q.filter, limit: 5000, cursor }, caller);
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && out.length < MAX_ROWS);
    return out;
  }

  /** Over the caller's scope: its devices' states, incidents and remediations only. */
  async function build(q: ReportQuery, caller?: DeviceScope) {
    const hours = q.hours ?? 24 * 30;
    if (!(hours > 0 && hours <= 24 * 366))
      throw new ValidationError('hours must be more than 0 and at most 8784', { path: '/hours' });
    const now = d.clock.now();
    const since = new Date(now.getTime() - hours * 3_600_000).toISOString();
    const templateId = await d.compliance.templateId(q.template);
    const deviceIds = await d.compliance.deviceIdsOf(q.filter, caller);
    const [summary, states, incidents, remediations] = await Promise.all([
      d.compliance.summary(caller),
      allRows(q, caller),
      d.store.incidents({ sinceIso: since, templateId, deviceIds, limit: MAX_ROWS }),
      d.store.remediations({ sinceIso: since, limit: MAX_ROWS }),
    ]);
    const inc = incidents.map(toIncident);
    const resolved = inc
      .filter((i) => i.durationS !== null)
      .map((i) => i.durationS!)
      .sort((a, b) => a - b);
    return {
      generatedAt: now.toISOString(),
      period: { from: since, to: now.toISOString() },
      scope: { template: q.template ?? null, filter: q.filter ?? null },
      summary,
      drift: {
        incidents: inc.length,
        open: inc.filter((i) => !i.resolvedAt).length,
        remediations: remediations.length,
        medianTimeToResolveS: resolved.length ? resolved[Math.floor(resolved.length / 2)] : null,
        maxTimeToResolveS: resolved.length ? resolved[resolved.length - 1] : null,
      },
      states,
      incidents: inc,
      remediations: remediations
        .filter((r) => (!deviceIds || deviceIds.includes(r.device_id)) && (!templateId || r.template_id === templateId))
        .map((r) => ({
          id: r.id,
          incidentId: r.incident_id,
          deviceId: r.device_id,
          at: r.at,
          desiredVersion: r.desired_version,
          keys: JSON.parse(r.keys_json) as string[],
          actor: r.actor,
        })),
    };
  }

  async function csv(q: ReportQuery, caller?: DeviceScope): Promise<string> {
    const r = await build(q, caller);
    if (q.view === 'incidents') {
      return tableCsv(
        [
          'incident',
          'device',
          'template',
          'keys',
          'users',
          'detected_at',
          'resolved_at',
          'resolution',
          'remediations',
          'duration_s',
        ],
        r.incidents.map((i) => [
          i.id,
          i.deviceId,
          i.template,
          i.keys,
          i.users,
          i.detectedAt,
          i.resolvedAt,
          i.resolution,
          i.remediations,
          i.durationS,
        ]),
      );
    }
    if (q.view === 'remediations') {
      return tableCsv(
        ['remediation', 'incident', 'device', 'at', 'desired_version', 'keys', 'actor'],
        r.remediations.map((x) => [x.id, x.incidentId, x.deviceId, x.at, x.desiredVersion, x.keys, x.actor]),
      );
    }
    return tableCsv(
      [
        'device',
        'device_name',
        'template',
        'template_version',
        'policy',
        'state',
        'since',
        'checked_at',
        'maintenance',
        'drifted_keys',
        'users',
        'diff',
        'reason',
      ],
      r.states.map((s) => [
        s.deviceId,
        s.deviceName,
        s.template,
        s.templateVersion,
        s.policy,
        s.state,
        s.since,
        s.checkedAt,
        s.maintenance,
        s.diff.map((x) => x.key),
        [...new Set(s.diff.flatMap((x) => x.users ?? []))],
        diffText(s),
        s.reason,
      ]),
    );
  }

  return { build, csv };
}
