import type { ReportRun, ReportSchedule } from '@outpost/protocol';
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import { deviceIdsWhere, type DeviceWhere } from '../devices/index.js';
import type { ReportRunsTable, ReportSchedulesTable } from './reports.tables.js';

type Format = ReportRun['formats'][number];

function toSchedule(r: ReportSchedulesTable): ReportSchedule {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as ReportSchedule['kind'],
    scope: {
      ...(r.scope_group ? { group: r.scope_group } : {}),
      ...(r.scope_filter ? { filter: r.scope_filter } : {}),
    },
    deviceId: r.device_id,
    periodHours: r.period_hours,
    formats: JSON.parse(r.formats_json) as Format[],
    cron: r.cron,
    timezone: r.timezone,
    channels: JSON.parse(r.channels_json) as string[],
    enabled: r.enabled === 1,
    nextRunAt: r.next_run_at,
    lastRunAt: r.last_run_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function fromSchedule(s: ReportSchedule): ReportSchedulesTable {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    scope_group: s.scope.group ?? null,
    scope_filter: s.scope.filter ?? null,
    device_id: s.deviceId,
    period_hours: s.periodHours,
    formats_json: JSON.stringify(s.formats),
    cron: s.cron,
    timezone: s.timezone,
    channels_json: JSON.stringify(s.channels),
    enabled: s.enabled ? 1 : 0,
    next_run_at: s.nextRunAt,
    last_run_at: s.lastRunAt,
    created_by: s.createdBy,
    created_at: s.createdAt,
  };
}

function toRun(r: Omit<ReportRunsTable, 'html' | 'csv' | 'json' | 'scope_group' | 'device_id'>): ReportRun {
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    kind: r.kind as ReportRun['kind'],
    title: r.title,
    state: r.state as ReportRun['state'],
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    formats: JSON.parse(r.formats_json) as Format[],
    deliveries: JSON.parse(r.deliveries_json) as ReportRun['deliveries'],
    requestedBy: r.requested_by,
  };
}

const RUN_COLUMNS = [
  'id',
  'schedule_id',
  'kind',
  'title',
  'state',
  'error',
  'started_at',
  'finished_at',
  'period_from',
  'period_to',
  'formats_json',
  'deliveries_json',
  'requested_by',
] as const;

export interface ReportsStore {
  insertSchedule: (s: ReportSchedule) => Promise<undefined>;
  updateSchedule: (s: ReportSchedule) => Promise<undefined>;
  deleteSchedule(id: string): Promise<boolean>;
  schedule(id: string): Promise<ReportSchedule | null>;
  scheduleByName(name: string): Promise<ReportSchedule | null>;
  listSchedules: () => Promise<ReportSchedule[]>;
  dueSchedules(nowIso: string): Promise<ReportSchedule[]>;
  /** Moves a schedule on only if nobody else did (several hubs may look at the same row). */
  claimSchedule(id: string, expectedNext: string, nextRunAt: string | null, lastRunAt: string): Promise<boolean>;
  insertRun: (r: ReportRunsTable) => Promise<undefined>;
  updateRun: (id: string, patch: Partial<ReportRunsTable>) => Promise<undefined>;
  /** One run; with `within`, only if a group-scoped reader may see it. */
  run(id: string, within?: RunsWithin | null): Promise<ReportRun | null>;
  runContent(
    id: string,
    within?: RunsWithin | null,
  ): Promise<{
    html: string | null;
    csv: string | null;
    json: string | null;
  } | null>;
  runs(q: { scheduleId?: string; limit: number; within?: RunsWithin | null }): Promise<ReportRun[]>;
  /** Old runs keep their record (the history) but not their documents. */
  dropContentBefore(iso: string): Promise<number>;
  deleteRunsBefore(iso: string): Promise<number>;
}

/** What a group-scoped reader may see of report runs: fleet reports of its groups, device reports of its devices. */
export interface RunsWithin {
  groups: readonly string[];
  devices: DeviceWhere;
}

function runsWithin(w: RunsWithin) {
  return (eb: ExpressionBuilder<Database, 'report_runs'>) =>
    eb.or([
      eb('report_runs.device_id', 'in', deviceIdsWhere(w.devices)),
      eb.and([
        eb('report_runs.device_id', 'is', null),
        eb.or(
          w.groups.flatMap((g) => [
            eb('report_runs.scope_group', '=', g),
            eb(eb.fn<string>('substr', ['report_runs.scope_group', eb.val(1), eb.val(g.length + 1)]), '=', `${g}/`),
          ]),
        ),
      ]),
    ]);
}

export function createReportsStore(db: Db): ReportsStore {
  return {
    insertSchedule: async (s: ReportSchedule) =>
      void (await db.insertInto('report_schedules').values(fromSchedule(s)).execute()),
    updateSchedule: async (s: ReportSchedule) =>
      void (await db.updateTable('report_schedules').set(fromSchedule(s)).where('id', '=', s.id).execute()),
    async deleteSchedule(id: string) {
      const [r] = await db.deleteFrom('report_schedules').where('id', '=', id).execute();
      return Number(r?.numDeletedRows ?? 0) > 0;
    },
    async schedule(id: string) {
      const r = await db.selectFrom('report_schedules').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toSchedule(r) : null;
    },
    async scheduleByName(name: string) {
      const r = await db.selectFrom('report_schedules').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toSchedule(r) : null;
    },
    listSchedules: async () =>
      (await db.selectFrom('report_schedules').selectAll().orderBy('name').execute()).map(toSchedule),
    async dueSchedules(nowIso: string) {
      return (
        await db
          .selectFrom('report_schedules')
          .selectAll()
          .where('enabled', '=', 1)
          .where('next_run_at', '<=', nowIso)
          .orderBy('next_run_at')
          .execute()
      ).map(toSchedule);
    },
    /** Moves a schedule on only if nobody else did (several hubs may look at the same row). */
    async claimSchedule(id: string, expectedNext: string, nextRunAt: string | null, lastRunAt: string) {
      const [r] = await db
        .updateTable('report_schedules')
        .set({ next_run_at: nextRunAt, last_run_at: lastRunAt })
        .where('id', '=', id)
        .where('next_run_at', '=', expectedNext)
        .execute();
      return Number(r?.numUpdatedRows ?? 0) > 0;
    },
    insertRun: async (r: ReportRunsTable) => void (await db.insertInto('report_runs').values(r).execute()),
    updateRun: async (id: string, patch: Partial<ReportRunsTable>) =>
      void (await db.updateTable('report_runs').set(patch).where('id', '=', id).execute()),
    /** One run; with `within`, only if a group-scoped reader may see it. */
    async run(id: string, within: RunsWithin | null = null) {
      let q = db.selectFrom('report_runs').select(RUN_COLUMNS).where('id', '=', id);
      if (within) q = q.where(runsWithin(within));
      const r = await q.executeTakeFirst();
      return r ? toRun(r) : null;
    },
    async runContent(id: string, within: RunsWithin | null = null) {
      let q = db.selectFrom('report_runs').select(['html', 'csv', 'json']).where('id', '=', id);
      if (within) q = q.where(runsWithin(within));
      return (await q.executeTakeFirst()) ?? null;
    },
    async runs(q: { scheduleId?: string; limit: number; within?: RunsWithin | null }) {
      let s = db
        .selectFrom('report_runs')
        .select(RUN_COLUMNS)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit);
      if (q.scheduleId) s = s.where('schedule_id', '=', q.scheduleId);
      if (q.within) s = s.where(runsWithin(q.within));
      return (await s.execute()).map(toRun);
    },
    /** Old runs keep their record (the history) but not their documents. */
    async dropContentBefore(iso: string) {
      const [r] = await db
        .updateTable('report_runs')
        .set({ html: null, csv: null, json: null })
        .where('started_at', '<', iso)
        .where('json', 'is not', null)
        .execute();
      return Number(r?.numUpdatedRows ?? 0);
    },
    async deleteRunsBefore(iso: string) {
      const [r] = await db.deleteFrom('report_runs').where('started_at', '<', iso).execute();
      return Number(r?.numDeletedRows ?? 0);
    },
  };
}
