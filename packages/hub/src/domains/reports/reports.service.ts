import { Cron } from 'croner';
import type { AlertScope, ReportRun, ReportSchedule } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import { deviceNotFound, type DeviceScope, type DeviceSelector } from '../devices/index.js';
import { alertScopeInside, checkScope, claimAlertScope } from '../fleet/index.js';
import type { NotificationsService } from '../notifications/index.js';
import type { createReportData, DeviceReport, FleetReport, Period } from './report-data.js';
import { bytes, renderDeviceCsv, renderDeviceHtml, renderFleetCsv, renderFleetHtml } from './report-render.js';
import type { ReportsStore, RunsWithin } from './reports.store.js';

type Format = 'html' | 'csv' | 'json';
const FORMATS: Format[] = ['html', 'csv', 'json'];

export interface ReportRequest {
  kind: 'fleet' | 'device';
  scope?: AlertScope;
  deviceId?: string;
  periodHours?: number;
  formats?: Format[];
  channels?: string[];
}

export interface ScheduleInput extends ReportRequest {
  name: string;
  cron: string;
  timezone?: string;
  enabled?: boolean;
}

export interface ReportsDeps {
  store: ReportsStore;
  data: ReturnType<typeof createReportData>;
  notifications: Pick<NotificationsService, 'enqueue' | 'missingChannels'>;
  selector: DeviceSelector;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

export interface ReportsService {
  runNow: (actor: Actor, caller: DeviceScope, r: ReportRequest) => Promise<ReportRun>;
  runDue: () => Promise<string[]>;
  createSchedule: (actor: Actor, caller: DeviceScope, input: ScheduleInput) => Promise<ReportSchedule>;
  updateSchedule: (
    actor: Actor,
    caller: DeviceScope,
    id: string,
    patch: Partial<ScheduleInput>,
  ) => Promise<ReportSchedule>;
  deleteSchedule: (actor: Actor, caller: DeviceScope, id: string) => Promise<void>;
  /** The schedules the caller may see (every one for a caller who sees every device). */
  listSchedules(caller: DeviceScope): Promise<ReportSchedule[]>;
  getSchedule: (caller: DeviceScope, id: string) => Promise<ReportSchedule>;
  /** Runs the caller may see: of a group-scoped caller, the fleet reports of its groups and the device reports of its devices. */
  runs: (
    caller: DeviceScope,
    q: {
      scheduleId?: string;
      limit?: number;
    },
  ) => Promise<ReportRun[]>;
  run: (caller: DeviceScope, id: string) => Promise<ReportRun>;
  content: (
    caller: DeviceScope,
    runId: string,
    format: Format,
  ) => Promise<{
    type: string;
    body: string;
  }>;
}

/** The next time a cron expression fires in a time zone; refuses a bad expression or zone with its path. */
export function nextCronRun(cron: string, timezone: string, after: Date): Date | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ValidationError(`unknown time zone "${timezone}"; use an IANA name such as Europe/Berlin`, {
      path: '/timezone',
    });
  }
  try {
    return new Cron(cron, { timezone, paused: true, mode: '5-or-6-parts' }).nextRun(after);
  } catch (err) {
    throw new ValidationError(`invalid cron expression: ${(err as Error).message}`, { path: '/cron' });
  }
}

/** What a caller may see of report runs; null for a caller who sees every device. */
function runsWithin(caller: DeviceScope): RunsWithin | null {
  return caller.unrestricted || !caller.where ? null : { groups: caller.groups, devices: caller.where };
}

export function createReportsService(d: ReportsDeps): ReportsService {
  /**
   * A request checked and held to the caller's scope: a device report needs a device inside it; a
   * fleet report of a group-scoped caller covers a group inside it (its only group when it names
   * none), and is generated over that group only.
   */
  async function checkRequest(
    caller: DeviceScope,
    r: ReportRequest,
  ): Promise<Required<Omit<ReportRequest, 'deviceId'>> & { deviceId: string | null }> {
    const periodHours = r.periodHours ?? 24;
    if (!Number.isFinite(periodHours) || periodHours <= 0 || periodHours > 24 * 400)
      throw new ValidationError('periodHours must be above 0 and at most 9600', { path: '/periodHours' });
    if (r.kind === 'device' && !r.deviceId)
      throw new ValidationError('a device report needs a deviceId', { path: '/deviceId' });
    if (r.kind === 'fleet' && r.deviceId)
      throw new ValidationError('a fleet report takes a scope, not a deviceId', { path: '/deviceId' });
    const formats = [...new Set(r.formats ?? FORMATS)];
    formats.forEach((f, i) => {
      if (!FORMATS.includes(f))
        throw new ValidationError(`format must be one of ${FORMATS.join(', ')}`, { path: `/formats/${i}` });
    });
    const channels = r.channels ?? [];
    const missing = await d.notifications.missingChannels(channels);
    if (missing.length)
      throw new ValidationError(`unknown notification channel "${missing[0]}"`, {
        path: `/channels/${channels.indexOf(missing[0])}`,
      });
    if (r.kind === 'device' && !caller.unrestricted && !(await caller.contains(r.deviceId!)))
      throw deviceNotFound(r.deviceId!);
    const scope = r.kind === 'fleet' ? claimAlertScope(caller, r.scope ?? {}, 'the report') : (r.scope ?? {});
    return {
      kind: r.kind,
      scope: await checkScope(d.selector, scope),
      deviceId: r.deviceId ?? null,
      periodHours,
      formats,
      channels,
    };
  }

  function render(report: FleetReport | DeviceReport, formats: Format[]) {
    const fleet = report.kind === 'fleet';
    return {
      html: formats.includes('html') ? (fleet ? renderFleetHtml(report) : renderDeviceHtml(report)) : null,
      csv: formats.includes('csv') ? (fleet ? renderFleetCsv(report) : renderDeviceCsv(report)) : null,
      json: formats.includes('json') ? JSON.stringify(report) : null,
    };
  }

  function oneLine(report: FleetReport | DeviceReport): string {
    if (report.kind === 'fleet') {
      const s = report.summary;
      return `${report.title}: ${s.devices} devices, ${s.availabilityPct}% availability, ${s.alertsFired} alerts, ${report.health.error} in error, ${bytes(report.traffic.totalBytes)} traffic`;
    }
    return `${report.title}: ${report.availability.pct}% availability, health ${report.health.state}, ${report.alerts.length} alerts`;
  }

  async function deliver(
    run: { id: string; title: string },
    report: FleetReport | DeviceReport,
    out: ReturnType<typeof render>,
    channels: string[],
  ) {
    const summary = oneLine(report);
    const attachments = [
      ...(out.csv ? [{ filename: `${run.id}.csv`, content: out.csv, contentType: 'text/csv' }] : []),
      ...(out.json ? [{ filename: `${run.id}.json`, content: out.json, contentType: 'application/json' }] : []),
    ];
    const body = {
      json: { v: 1, type: 'report', runId: run.id, title: run.title, summary, report },
      email: {
        subject: `[Outpost] ${run.title}`,
        text: `${summary}\n\nThe report is attached and in the hub under report run ${run.id}.`,
        html: out.html ?? `<p>${summary}</p>`,
        attachments,
      },
    };
    const deliveries: ReportRun['deliveries'] = [];
    const about = report.kind === 'device' ? [report.device.id] : [];
    for (const channelId of channels)
      deliveries.push({
        channelId,
        messageId: await d.notifications.enqueue(channelId, 'report', summary, body, about),
      });
    return deliveries;
  }

  /** Builds a report now, stores every format, and hands it to the channels given. */
  async function execute(
    req: Awaited<ReturnType<typeof checkRequest>>,
    requestedBy: string,
    scheduleId: string | null,
  ): Promise<ReportRun> {
    const now = d.clock.now();
    const period: Period = {
      from: new Date(now.getTime() - req.periodHours * 3_600_000).toISOString(),
      to: now.toISOString(),
      hours: req.periodHours,
    };
    const id = newId('rpt');
    const base = {
      id,
      schedule_id: scheduleId,
      kind: req.kind,
      title: req.kind === 'fleet' ? 'Fleet report' : `Device report ${req.deviceId}`,
      state: 'running',
      error: null,
      started_at: now.toISOString(),
      finished_at: null,
      period_from: period.from,
      period_to: period.to,
      formats_json: JSON.stringify(req.formats),
      html: null,
      csv: null,
      json: null,
      deliveries_json: '[]',
      requested_by: requestedBy,
      scope_group: req.kind === 'fleet' ? (req.scope.group ?? null) : null,
      device_id: req.kind === 'device' ? req.deviceId : null,
    };
    await d.store.insertRun(base);
    try {
      const report =
        req.kind === 'fleet'
          ? await d.data.fleetReport(req.scope, period, now.toISOString())
          : await d.data.deviceReport(req.deviceId!, period, now.toISOString());
      const out = render(report, req.formats);
      await d.store.updateRun(id, { title: report.title, ...out });
      const deliveries = await deliver({ id, title: report.title }, report, out, req.channels);
      await d.store.updateRun(id, {
        state: 'succeeded',
        finished_at: d.clock.now().toISOString(),
        deliveries_json: JSON.stringify(deliveries),
      });
    } catch (err) {
      d.logger.error({ err, run: id }, 'report failed');
      await d.store.updateRun(id, {
        state: 'failed',
        error: (err as Error).message.slice(0, 500),
        finished_at: d.clock.now().toISOString(),
      });
    }
    return (await d.store.run(id))!;
  }

  async function runNow(actor: Actor, caller: DeviceScope, r: ReportRequest) {
    const req = await checkRequest(caller, r);
    const run = await execute(req, actor.id, null);
    await d.audit.record({
      actor,
      action: 'report.run',
      target: `report_run:${run.id}`,
      details: {
        kind: req.kind,
        scope: req.scope,
        deviceId: req.deviceId,
        periodHours: req.periodHours,
        channels: req.channels.length,
        state: run.state,
      },
    });
    return run;
  }

  async function createSchedule(actor: Actor, caller: DeviceScope, input: ScheduleInput) {
    const req = await checkRequest(caller, input);
    const timezone = input.timezone ?? 'UTC';
    const next = nextCronRun(input.cron, timezone, d.clock.now());
    if (await d.store.scheduleByName(input.name))
      throw new Conflict(`a report schedule named "${input.name}" exists`, { path: '/name' });
    const s: ReportSchedule = {
      id: newId('rsc'),
      name: input.name,
      kind: req.kind,
      scope: req.scope,
      deviceId: req.deviceId,
      periodHours: req.periodHours,
      formats: req.formats,
      cron: input.cron,
      timezone,
      channels: req.channels,
      enabled: input.enabled ?? true,
      nextRunAt: next?.toISOString() ?? null,
      lastRunAt: null,
      createdBy: actor.id,
      createdAt: d.clock.now().toISOString(),
    };
    await d.store.insertSchedule(s);
    await d.audit.record({
      actor,
      action: 'report_schedule.create',
      target: `report_schedule:${s.id}`,
      details: { name: s.name, kind: s.kind, cron: s.cron, timezone, channels: s.channels.length },
    });
    return s;
  }

  /** True when the caller may see a schedule: its device, or its group, lies in the caller's scope. */
  async function scheduleVisible(caller: DeviceScope, s: ReportSchedule): Promise<boolean> {
    if (caller.unrestricted) return true;
    if (s.kind === 'device') return s.deviceId !== null && (await caller.contains(s.deviceId));
    return alertScopeInside(caller, s.scope);
  }

  /** A schedule the caller may see; one outside its scope is `404`, as if it did not exist. */
  async function mustSchedule(caller: DeviceScope, id: string) {
    const s = await d.store.schedule(id);
    if (!s || !(await scheduleVisible(caller, s))) throw new NotFound('report schedule', id);
    return s;
  }

  async function updateSchedule(actor: Actor, caller: DeviceScope, id: string, patch: Partial<ScheduleInput>) {
    const base = await mustSchedule(caller, id);
    const merged = { ...base, ...patch, deviceId: patch.deviceId ?? base.deviceId ?? undefined };
    const req = await checkRequest(caller, merged);
    if (merged.name !== base.name && (await d.store.scheduleByName(merged.name)))
      throw new Conflict(`a report schedule named "${merged.name}" exists`, { path: '/name' });
    const next = nextCronRun(merged.cron, merged.timezone, d.clock.now());
    const s: ReportSchedule = {
      ...base,
      ...req,
      name: merged.name,
      cron: merged.cron,
      timezone: merged.timezone,
      enabled: merged.enabled,
      nextRunAt: next?.toISOString() ?? null,
    };
    await d.store.updateSchedule(s);
    await d.audit.record({
      actor,
      action: 'report_schedule.update',
      target: `report_schedule:${id}`,
      details: { changed: Object.keys(patch) },
    });
    return s;
  }

  async function deleteSchedule(actor: Actor, caller: DeviceScope, id: string) {
    const s = await mustSchedule(caller, id);
    await d.store.deleteSchedule(id);
    await d.audit.record({
      actor,
      action: 'report_schedule.delete',
      target: `report_schedule:${id}`,
      details: { name: s.name },
    });
  }

  /** Runs every schedule whose time has come (once, even after a long stop), then moves it on. */
  async function runDue(): Promise<string[]> {
    const now = d.clock.now();
    const ran: string[] = [];
    for (const s of await d.store.dueSchedules(now.toISOString())) {
      const next = nextCronRun(s.cron, s.timezone, now);
      if (!(await d.store.claimSchedule(s.id, s.nextRunAt!, next?.toISOString() ?? null, now.toISOString()))) continue;
      const req = {
        kind: s.kind,
        scope: s.scope,
        deviceId: s.deviceId,
        periodHours: s.periodHours,
        formats: s.formats,
        channels: s.channels,
      };
      const run = await execute(req, `schedule:${s.name}`, s.id);
      d.logger.info({ schedule: s.name, run: run.id, state: run.state, due: s.nextRunAt }, 'scheduled report ran');
      ran.push(run.id);
    }
    return ran;
  }

  async function content(caller: DeviceScope, runId: string, format: Format) {
    const c = await d.store.runContent(runId, runsWithin(caller));
    if (!c) throw new NotFound('report run', runId);
    const body = c[format];
    if (body === null) throw new NotFound(`${format} of report run`, runId);
    const type = {
      html: 'text/html; charset=utf-8',
      csv: 'text/csv; charset=utf-8',
      json: 'application/json; charset=utf-8',
    }[format];
    return { type, body };
  }

  return {
    runNow,
    runDue,
    createSchedule,
    updateSchedule,
    deleteSchedule,
    /** The schedules the caller may see (every one for a caller who sees every device). */
    async listSchedules(caller: DeviceScope) {
      const all = await d.store.listSchedules();
      if (caller.unrestricted) return all;
      const devices = new Set(await caller.within(all.flatMap((s) => (s.deviceId ? [s.deviceId] : []))));
      return all.filter((s) =>
        s.kind === 'device' ? devices.has(s.deviceId ?? '') : alertScopeInside(caller, s.scope),
      );
    },
    getSchedule: mustSchedule,
    /** Runs the caller may see: of a group-scoped caller, the fleet reports of its groups and the device reports of its devices. */
    runs: (caller: DeviceScope, q: { scheduleId?: string; limit?: number }) =>
      d.store.runs({ scheduleId: q.scheduleId, limit: Math.min(q.limit ?? 50, 500), within: runsWithin(caller) }),
    run: async (caller: DeviceScope, id: string) => {
      const r = await d.store.run(id, runsWithin(caller));
      if (!r) throw new NotFound('report run', id);
      return r;
    },
    content,
  };
}
