import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { DiagnosticDeviceResult, DiagnosticRunRecord, DiagnosticStatus } from '@outpost/protocol';
import type { DiagnosticResult } from './index.js';
import type { DiagnosticResultsTable, DiagnosticRunsTable } from './diagnostics.tables.js';

// The store answers in the API's own shapes (protocol), so nothing restates them.
export type DiagnosticRun = DiagnosticRunRecord;
export type StoredResultStatus = DiagnosticStatus;
/** One device's row of a run; `stdoutLength`/`stderrLength` tell how much a preview left out. */
export type StoredResult = DiagnosticDeviceResult;

const toRun = (r: DiagnosticRunsTable): DiagnosticRun => ({
  id: r.id,
  name: r.name,
  param: r.param,
  target: r.target,
  timeoutMs: Number(r.timeout_ms),
  devices: Number(r.devices),
  state: r.state as DiagnosticRun['state'],
  createdBy: r.created_by,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

type ResultRow = Omit<DiagnosticResultsTable, 'stdout' | 'stderr'> & {
  stdout: string;
  stderr: string;
  stdout_length: number | string;
  stderr_length: number | string;
};

const toResult = (r: ResultRow): StoredResult => ({
  runId: r.run_id,
  deviceId: r.device_id,
  status: r.status as StoredResultStatus,
  ...(r.exit_code === null ? {} : { exitCode: Number(r.exit_code) }),
  stdout: r.stdout,
  stderr: r.stderr,
  truncated: Number(r.truncated) === 1,
  durationMs: Number(r.duration_ms),
  ...(r.reason === null ? {} : { reason: r.reason }),
  finishedAt: r.finished_at,
  stdoutLength: Number(r.stdout_length),
  stderrLength: Number(r.stderr_length),
});

export interface DiagnosticsStore {
  insertRun(run: DiagnosticRun, deviceIds: string[]): Promise<void>;
  saveResult(runId: string, r: DiagnosticResult, finishedAt: string): Promise<void>;
  finishRun(runId: string, at: string): Promise<void>;
  getRun(id: string): Promise<DiagnosticRun | null>;
  listRuns(limit: number): Promise<DiagnosticRun[]>;
  deviceIdsOf(runId: string): Promise<string[]>;
  /** Results of some devices of a run, ordered by device id, outputs cut to `preview` characters (null: whole). */
  resultsOf(runId: string, deviceIds: string[], preview: number | null): Promise<StoredResult[]>;
  statusCounts(runId: string, deviceIds: string[]): Promise<Record<string, number>>;
  /** Results still pending of runs started before `beforeIso` (a hub that stopped mid-run): closed with `reason`. */
  closeStale(beforeIso: string, at: string, reason: string): Promise<number>;
  /** Drops runs (and their results) started before `beforeIso`; returns how many. */
  deleteBefore(beforeIso: string): Promise<number>;
}

export function createDiagnosticsStore(db: Db): DiagnosticsStore {
  /** Result rows with outputs cut to `preview` characters (null: whole). */
  function results(preview: number | null) {
    const out = preview === null ? sql<string>`stdout` : sql<string>`substr(stdout, 1, ${preview})`;
    const err = preview === null ? sql<string>`stderr` : sql<string>`substr(stderr, 1, ${preview})`;
    return db
      .selectFrom('diagnostic_results')
      .select([
        'run_id',
        'device_id',
        'status',
        'exit_code',
        'truncated',
        'duration_ms',
        'reason',
        'finished_at',
        out.as('stdout'),
        err.as('stderr'),
        sql<number>`length(stdout)`.as('stdout_length'),
        sql<number>`length(stderr)`.as('stderr_length'),
      ]);
  }

  return {
    async insertRun(run: DiagnosticRun, deviceIds: string[]) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('diagnostic_runs')
          .values({
            id: run.id,
            name: run.name,
            param: run.param,
            target: run.target,
            timeout_ms: run.timeoutMs,
            devices: run.devices,
            state: run.state,
            created_by: run.createdBy,
            created_at: run.createdAt,
            finished_at: null,
          })
          .execute();
        for (let i = 0; i < deviceIds.length; i += 500)
          await trx
            .insertInto('diagnostic_results')
            .values(
              deviceIds.slice(i, i + 500).map((device_id) => ({
                run_id: run.id,
                device_id,
                status: 'pending',
                exit_code: null,
                stdout: '',
                stderr: '',
                truncated: 0,
                duration_ms: 0,
                reason: null,
                finished_at: null,
              })),
            )
            .execute();
      });
    },

    async saveResult(runId: string, r: DiagnosticResult, finishedAt: string) {
      await db
        .updateTable('diagnostic_results')
        .set({
          status: r.status,
          exit_code: r.exitCode ?? null,
          stdout: r.stdout,
          stderr: r.stderr,
          truncated: r.truncated ? 1 : 0,
          duration_ms: r.durationMs,
          reason: r.reason ?? null,
          finished_at: finishedAt,
        })
        .where('run_id', '=', runId)
        .where('device_id', '=', r.deviceId)
        .where('status', '=', 'pending')
        .execute();
    },

    async finishRun(runId: string, at: string) {
      await db
        .updateTable('diagnostic_runs')
        .set({ state: 'finished', finished_at: at })
        .where('id', '=', runId)
        .where('state', '=', 'running')
        .execute();
    },

    async getRun(id: string): Promise<DiagnosticRun | null> {
      const r = await db.selectFrom('diagnostic_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRun(r) : null;
    },

    async listRuns(limit: number): Promise<DiagnosticRun[]> {
      const rows = await db
        .selectFrom('diagnostic_runs')
        .selectAll()
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },

    async deviceIdsOf(runId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('diagnostic_results')
        .select('device_id')
        .where('run_id', '=', runId)
        .orderBy('device_id')
        .execute();
      return rows.map((r) => r.device_id);
    },

    /** Results of some devices of a run, ordered by device id, outputs cut to `preview` characters (null: whole). */
    async resultsOf(runId: string, deviceIds: string[], preview: number | null): Promise<StoredResult[]> {
      const out: StoredResult[] = [];
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await results(preview)
          .where('run_id', '=', runId)
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .orderBy('device_id')
          .execute();
        out.push(...rows.map((r) => toResult(r as ResultRow)));
      }
      return out;
    },

    async statusCounts(runId: string, deviceIds: string[]): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      for (let i = 0; i < deviceIds.length; i += 500) {
        const rows = await db
          .selectFrom('diagnostic_results')
          .select(['status', db.fn.countAll<number | string>().as('n')])
          .where('run_id', '=', runId)
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .groupBy('status')
          .execute();
        for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + Number(r.n);
      }
      return counts;
    },

    /** Results still pending of runs started before `beforeIso` (a hub that stopped mid-run): closed with `reason`. */
    async closeStale(beforeIso: string, at: string, reason: string): Promise<number> {
      const stale = await db
        .selectFrom('diagnostic_runs')
        .select('id')
        .where('state', '=', 'running')
        .where('created_at', '<', beforeIso)
        .execute();
      for (const { id } of stale) {
        await db
          .updateTable('diagnostic_results')
          .set({ status: 'timeout', reason, finished_at: at })
          .where('run_id', '=', id)
          .where('status', '=', 'pending')
          .execute();
        await db
          .updateTable('diagnostic_runs')
          .set({ state: 'finished', finished_at: at })
          .where('id', '=', id)
          .execute();
      }
      return stale.length;
    },

    /** Drops runs (and their results) started before `beforeIso`; returns how many. */
    async deleteBefore(beforeIso: string): Promise<number> {
      const old = await db.selectFrom('diagnostic_runs').select('id').where('created_at', '<', beforeIso).execute();
      const ids = old.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await db.deleteFrom('diagnostic_results').where('run_id', 'in', chunk).execute();
        await db.deleteFrom('diagnostic_runs').where('id', 'in', chunk).execute();
      }
      return ids.length;
    },
  };
}
