import { TERMINAL_JOB_STATES, updateRootOf, type JobTransition, type RolloutJobRecord } from '@outpost/protocol';
import type { Db } from '../../../storage/database.js';
import type { RolloutJobEventsTable, RolloutJobsTable, RolloutsTable, RolloutWavesTable } from '../updates.tables.js';
import type { DeviceFacts } from '../../devices/index.js';
import { appendHistory, jobIdIn } from './job-history.sql.js';

const TERMINAL = [...TERMINAL_JOB_STATES] as string[];
export type JobRow = RolloutJobsTable;
export type RolloutRow = RolloutsTable;
export type WaveRow = RolloutWavesTable;
type JobEventRow = RolloutJobEventsTable;
export type JobPatch = Partial<Omit<RolloutJobsTable, 'id' | 'rollout_id' | 'device_id' | 'created_at'>>;
export interface JobEvent {
  state: string;
  reason?: string | null;
  detail?: string | null;
}

/** A job and the fields a conditional transition checks. */
export type JobRef = Pick<JobRow, 'id' | 'rollout_id' | 'state' | 'attempt'>;

/** What a device's report is weighed against: its job's owner, state, attempt, dispatch and progress. */
export type ReportedJob = JobRef & Pick<JobRow, 'device_id' | 'dispatched_at' | 'bytes' | 'total'>;
const REPORTED_JOB_COLUMNS = [
  'id',
  'rollout_id',
  'device_id',
  'state',
  'attempt',
  'dispatched_at',
  'bytes',
  'total',
] as const;

/** Model, firmware, agent version and update trust root of one device, as a rollout checks them. */
export interface RolloutDeviceFacts {
  model: string | null;
  firmware: string | null;
  agentVersion: string | null;
  updateRoot: number | null;
}

/** Rollouts, their waves and jobs, and each job's history. */
export interface RolloutsStore {
  insertRollout(r: RolloutRow): Promise<void>;
  rollout(id: string): Promise<RolloutRow | undefined>;
  /** The newest `limit` rollouts. */
  list(limit: number): Promise<RolloutRow[]>;
  inStates(states: string[]): Promise<RolloutRow[]>;
  /** Conditional: moves a rollout only from one of `from`; false when someone else moved it first. */
  updateRollout(
    id: string,
    from: string[],
    patch: Partial<RolloutRow>,
    extra?: { currentWave?: number },
  ): Promise<boolean>;
  waves(rolloutId: string): Promise<WaveRow[]>;
  /** Conditional like `updateRollout`, for one wave. */
  setWave(rolloutId: string, idx: number, from: string[], patch: Partial<WaveRow>): Promise<boolean>;
  /** Jobs per wave and state. */
  countsByWave(rolloutId: string): Promise<Array<{ wave: number; state: string; n: number }>>;
  job(id: string): Promise<JobRow | undefined>;
  /** The jobs of `ids` that exist, in one read, with only the fields a report is weighed against. */
  reportedJobs(ids: string[]): Promise<ReportedJob[]>;
  /** One page of a rollout's jobs, by wave then device. */
  jobs(
    rolloutId: string,
    q: { state?: string; wave?: number; deviceId?: string; limit: number; offset: number },
  ): Promise<JobRow[]>;
  history(jobId: string): Promise<JobTransition[]>;
  /** Conditional transition of one job, recorded in its history; false when the job had moved on. */
  transition(job: JobRef, patch: JobPatch, e: JobEvent | null, at: string): Promise<boolean>;
  /**
   * Conditional transitions of many jobs in one transaction, in order, their history lines in one
   * insert; for each, whether it applied (false when its job had moved on meanwhile).
   */
  transitionMany(moves: JobMove[], at: string): Promise<boolean[]>;
  /** Adds a line to a job's history without changing its state (sent, progress milestones). */
  note(jobId: string, attempt: number, e: JobEvent, at: string): Promise<void>;
  /** Starts a rollout in one transaction: state, waves (the first running) and every job. */
  begin(rolloutId: string, from: string[], sizes: number[], jobs: JobRow[], at: string): Promise<boolean>;
  /** Marks the job sent (attempt + 1) unless another caller already did. */
  claimDispatch(job: Pick<JobRow, 'id' | 'attempt'>, at: string, deadlineAt: string): Promise<boolean>;
  /**
   * Marks many jobs sent (attempt + 1) in one transaction, each unless another caller already did, with
   * its `sent` history line and the version it starts from (kept if already known); for each, whether
   * this caller claimed it.
   */
  claimDispatches(
    claims: Array<{
      job: Pick<JobRow, 'id' | 'attempt'>;
      deadlineAt: string;
      sent: JobEvent | null;
      fromVersion?: string | null;
    }>,
    at: string,
  ): Promise<boolean[]>;
  /** Moves every queued, not yet sent job of a rollout to `state` (cancel, abort, deadline). */
  closeQueued(rolloutId: string, state: 'canceled' | 'skipped', reason: string, at: string): Promise<number>;
  /** Jobs sent and not finished. */
  inFlight(rolloutId: string): Promise<number>;
  dispatchedSince(rolloutId: string, sinceIso: string): Promise<number>;
  /** Queued jobs due to be sent, up to wave `maxWave`, in the order they are sent. */
  candidates(rolloutId: string, maxWave: number, nowIso: string, limit: number, deviceId?: string): Promise<JobRow[]>;
  /** Sent, unfinished jobs whose deadline has passed (at most 1000). */
  timedOut(nowIso: string): Promise<JobRow[]>;
  /** Jobs sent to this device and not finished: re-sent when it comes back. */
  openForDevice(deviceId: string): Promise<JobRow[]>;
  /** The rollouts with a job queued and not yet sent to this device. */
  queuedForDevice(deviceId: string): Promise<Array<Pick<JobRow, 'rollout_id'>>>;
  rollbacksPending(): Promise<RolloutRow[]>;
  revertsSentTo(deviceId: string): Promise<JobRow[]>;
  revertsFor(rolloutId: string, states: string[], limit: number): Promise<JobRow[]>;
  /** Conditional move of a job's revert from `from` to `to`, recorded in its history. */
  setRevert(id: string, from: string, to: string, at: string): Promise<boolean>;
  /** Marks every succeeded job of a rollout for reverting. */
  markReverts(rolloutId: string, at: string): Promise<void>;
  /** Model, firmware, agent version and update trust root of each device, asked of the devices domain. */
  deviceFacts(ids: string[]): Promise<Map<string, RolloutDeviceFacts>>;
  /** Whether the device has an unfinished, sent job of a rollout of this artifact. */
  mayDownload(deviceId: string, artifactId: string): Promise<boolean>;
  artifactInUse(artifactId: string): Promise<boolean>;
}

// Orders one job's history even when two transitions share a millisecond; monotonic across restarts,
// as it starts from the time of the event (the hub's clock).
let lastSeq = 0;
function nextSeq(at: string): number {
  lastSeq = Math.max(lastSeq + 1, Date.parse(at) * 1000);
  return lastSeq;
}

export const toJobRecord = (r: JobRow): RolloutJobRecord => ({
  id: r.id,
  rolloutId: r.rollout_id,
  deviceId: r.device_id,
  wave: r.wave,
  state: r.state as RolloutJobRecord['state'],
  reason: r.reason,
  lastError: r.last_error,
  attempt: r.attempt,
  bytes: Number(r.bytes),
  total: Number(r.total),
  fromVersion: r.from_version,
  revertState: r.revert_state,
  dispatchedAt: r.dispatched_at,
  updatedAt: r.updated_at,
});

/** One conditional job transition: applied only while the job is still in `state` at `attempt`. */
export interface JobMove {
  job: JobRef;
  patch: JobPatch;
  e: JobEvent | null;
}

/** Indexes of the writes in rounds where each job appears once: a job's n-th write is in round n. */
function roundsOf(writes: Array<{ job: { id: string } }>): number[][] {
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  writes.forEach((m, i) => {
    const n = seen.get(m.job.id) ?? 0;
    seen.set(m.job.id, n + 1);
    (rounds[n] ??= []).push(i);
  });
  return rounds;
}

function groupBy<T>(items: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** One kind of conditional write of many jobs (a move, a claim). */
interface GroupedJobWrites<W extends { job: { id: string } }> {
  /** Writes of the same shape are one statement. */
  shape(w: W): string;
  /** Writes `first`'s change to the jobs `ids` that still meet its condition; returns the ids written. */
  apply(trx: Db, first: W, ids: string[]): Promise<Array<{ id: string }>>;
  /** The history line of a write that applied, if it has one. */
  line(w: W): JobEventRow | null;
}

/**
 * Conditional writes of many jobs in one transaction, in order, their history lines in one insert;
 * for each, whether it applied (false when its job had moved on meanwhile). Writes of the same
 * shape are one statement (500 jobs at most): a fleet at the same step costs a few statements, not
 * one per device. A job's later write in the same call waits for its earlier (rounds).
 */
function writeJobsGrouped<W extends { job: { id: string } }>(
  db: Db,
  writes: W[],
  kind: GroupedJobWrites<W>,
): Promise<boolean[]> {
  if (writes.length === 0) return Promise.resolve([]);
  return db.transaction().execute(async (trx) => {
    const applied = writes.map(() => false);
    for (const round of roundsOf(writes)) {
      for (const same of groupBy(round, (i) => kind.shape(writes[i])).values()) {
        for (let c = 0; c < same.length; c += 500) {
          const part = same.slice(c, c + 500);
          const won = await kind.apply(
            trx,
            writes[same[0]],
            part.map((i) => writes[i].job.id),
          );
          const ids = new Set(won.map((r) => r.id));
          for (const i of part) applied[i] = ids.has(writes[i].job.id);
        }
      }
    }
    const lines: JobEventRow[] = [];
    writes.forEach((w, i) => {
      const line = applied[i] ? kind.line(w) : null;
      if (line) lines.push(line);
    });
    await appendHistory(trx, lines);
    return applied;
  });
}

export function createRolloutsStore(db: Db, devices: Pick<DeviceFacts, 'versions'>): RolloutsStore {
  const eventLine = (jobId: string, at: string, attempt: number, e: JobEvent): JobEventRow => ({
    job_id: jobId,
    seq: nextSeq(at),
    at,
    state: e.state,
    attempt,
    reason: e.reason ?? null,
    detail: e.detail ?? null,
  });

  const events = (jobIds: string[], at: string, attempt: (id: string) => number, e: JobEvent) =>
    appendHistory(
      db,
      jobIds.map((id) => eventLine(id, at, attempt(id), e)),
    );

  return {
    async insertRollout(r: RolloutRow) {
      await db.insertInto('rollouts').values(r).execute();
    },
    rollout: (id: string) => db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst(),
    list: (limit: number) => db.selectFrom('rollouts').selectAll().orderBy('created_at', 'desc').limit(limit).execute(),
    inStates: (states: string[]) =>
      db.selectFrom('rollouts').selectAll().where('state', 'in', states).orderBy('created_at').execute(),
    async updateRollout(id: string, from: string[], patch: Partial<RolloutRow>, extra?: { currentWave?: number }) {
      let q = db.updateTable('rollouts').set(patch).where('id', '=', id).where('state', 'in', from);
      if (extra?.currentWave !== undefined) q = q.where('current_wave', '=', extra.currentWave);
      const [r] = await q.execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
    waves: (rolloutId: string) =>
      db.selectFrom('rollout_waves').selectAll().where('rollout_id', '=', rolloutId).orderBy('idx').execute(),
    async setWave(rolloutId: string, idx: number, from: string[], patch: Partial<WaveRow>) {
      const [r] = await db
        .updateTable('rollout_waves')
        .set(patch)
        .where('rollout_id', '=', rolloutId)
        .where('idx', '=', idx)
        .where('state', 'in', from)
        .execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
    async countsByWave(rolloutId: string) {
      const rows = await db
        .selectFrom('rollout_jobs')
        .select(['wave', 'state', (eb) => eb.fn.countAll().as('n')])
        .where('rollout_id', '=', rolloutId)
        .groupBy(['wave', 'state'])
        .execute();
      return rows.map((r) => ({ wave: r.wave, state: r.state, n: Number(r.n) }));
    },
    job: (id: string) => db.selectFrom('rollout_jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    async reportedJobs(ids: string[]): Promise<ReportedJob[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('rollout_jobs').select(REPORTED_JOB_COLUMNS).where(jobIdIn(db, ids)).execute();
    },
    jobs(rolloutId: string, q: { state?: string; wave?: number; deviceId?: string; limit: number; offset: number }) {
      let s = db.selectFrom('rollout_jobs').selectAll().where('rollout_id', '=', rolloutId);
      if (q.state) s = s.where('state', '=', q.state);
      if (q.wave !== undefined) s = s.where('wave', '=', q.wave);
      if (q.deviceId) s = s.where('device_id', '=', q.deviceId);
      return s.orderBy('wave').orderBy('device_id').limit(q.limit).offset(q.offset).execute();
    },
    async history(jobId: string): Promise<JobTransition[]> {
      const rows = await db
        .selectFrom('rollout_job_events')
        .selectAll()
        .where('job_id', '=', jobId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({ at: r.at, state: r.state, attempt: r.attempt, reason: r.reason, detail: r.detail }));
    },
    async transition(job, patch, e, at) {
      const [ok] = await this.transitionMany([{ job, patch, e }], at);
      return ok;
    },
    /** Conditional transitions of many jobs in one transaction (writeJobsGrouped), by shape: from state, attempt, patch. */
    transitionMany: (moves, at) =>
      writeJobsGrouped(db, moves, {
        shape: (m) => JSON.stringify([m.job.state, m.job.attempt, m.patch]),
        apply(trx, { job, patch }, ids) {
          // A finished job has no deadline: the timeout scan walks only open jobs (index on deadline_at).
          const done = patch.state !== undefined && TERMINAL.includes(patch.state) ? { deadline_at: null } : {};
          return trx
            .updateTable('rollout_jobs')
            .set({ ...patch, ...done, updated_at: at })
            .where(jobIdIn(trx, ids))
            .where('state', '=', job.state)
            .where('attempt', '=', job.attempt)
            .returning('id')
            .execute();
        },
        line: ({ job, patch, e }) => (e ? eventLine(job.id, at, patch.attempt ?? job.attempt, e) : null),
      }),
    note: (jobId: string, attempt: number, e: JobEvent, at: string) => events([jobId], at, () => attempt, e),
    async begin(rolloutId: string, from: string[], sizes: number[], jobs: JobRow[], at: string) {
      const ok = await db.transaction().execute(async (trx) => {
        const [u] = await trx
          .updateTable('rollouts')
          .set({ state: 'running', current_wave: 0, started_at: at, state_changed_at: at })
          .where('id', '=', rolloutId)
          .where('state', 'in', from)
          .execute();
        if (Number(u?.numUpdatedRows ?? 0) !== 1) return false;
        if (sizes.length) {
          await trx
            .insertInto('rollout_waves')
            .values(
              sizes.map((size, idx) => ({
                rollout_id: rolloutId,
                idx,
                size,
                state: idx === 0 ? 'running' : 'pending',
                started_at: idx === 0 ? at : null,
                passed_at: null,
                approved_by: null,
              })),
            )
            .execute();
        }
        for (let i = 0; i < jobs.length; i += 500)
          await trx
            .insertInto('rollout_jobs')
            .values(jobs.slice(i, i + 500))
            .execute();
        return true;
      });
      if (ok) {
        const waveOf = new Map(jobs.map((j) => [j.id, j.wave]));
        for (let w = 0; w < sizes.length; w++) {
          const ids = jobs.filter((j) => waveOf.get(j.id) === w).map((j) => j.id);
          await events(ids, at, () => 0, { state: 'queued', detail: `wave ${w + 1} of ${sizes.length}` });
        }
      }
      return ok;
    },
    async claimDispatch(job: Pick<JobRow, 'id' | 'attempt'>, at: string, deadlineAt: string) {
      const [ok] = await this.claimDispatches([{ job, deadlineAt, sent: null }], at);
      return ok;
    },
    /**
     * Marks many jobs sent (attempt + 1) in one transaction (writeJobsGrouped), each unless another
     * caller already did, with its `sent` history line and the version it starts from (kept if
     * already known); for each, whether this caller claimed it.
     */
    claimDispatches: (claims, at) =>
      writeJobsGrouped(db, claims, {
        // Claims of the same attempt, deadline and starting version are one statement.
        shape: (c) => JSON.stringify([c.job.attempt, c.deadlineAt, c.fromVersion]),
        apply: (trx, { job, deadlineAt, fromVersion }, ids) =>
          trx
            .updateTable('rollout_jobs')
            .set((eb) => ({
              attempt: job.attempt + 1,
              dispatched_at: at,
              deadline_at: deadlineAt,
              next_attempt_at: null,
              updated_at: at,
              first_dispatched_at: eb.fn.coalesce('first_dispatched_at', eb.val(at)),
              ...(fromVersion ? { from_version: eb.fn.coalesce('from_version', eb.val(fromVersion)) } : {}),
            }))
            .where(jobIdIn(trx, ids))
            .where('state', '=', 'queued')
            .where('dispatched_at', 'is', null)
            .where('attempt', '=', job.attempt)
            .returning('id')
            .execute(),
        line: ({ job, sent }) => (sent ? eventLine(job.id, at, job.attempt + 1, sent) : null),
      }),
    async closeQueued(rolloutId: string, state: 'canceled' | 'skipped', reason: string, at: string) {
      // One statement: a job dispatched while this runs is neither closed nor given a closing history line.
      const ids = (
        await db
          .updateTable('rollout_jobs')
          .set({ state, reason, updated_at: at })
          .where('rollout_id', '=', rolloutId)
          .where('state', '=', 'queued')
          .where('dispatched_at', 'is', null)
          .returning('id')
          .execute()
      ).map((r) => r.id);
      await events(ids, at, () => 0, { state, reason });
      return ids.length;
    },
    async inFlight(rolloutId: string) {
      const r = await db
        .selectFrom('rollout_jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('rollout_id', '=', rolloutId)
        .where('dispatched_at', 'is not', null)
        .where('state', 'not in', TERMINAL)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async dispatchedSince(rolloutId: string, sinceIso: string) {
      const r = await db
        .selectFrom('rollout_jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('rollout_id', '=', rolloutId)
        .where('dispatched_at', '>=', sinceIso)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    candidates(rolloutId: string, maxWave: number, nowIso: string, limit: number, deviceId?: string) {
      let q = db
        .selectFrom('rollout_jobs')
        .selectAll()
        .where('rollout_id', '=', rolloutId)
        .where('state', '=', 'queued')
        .where('dispatched_at', 'is', null)
        .where('wave', '<=', maxWave)
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso)]));
      if (deviceId) q = q.where('device_id', '=', deviceId);
      return q.orderBy('wave').orderBy('created_at').orderBy('id').limit(limit).execute();
    },
    timedOut: (nowIso: string) =>
      db
        .selectFrom('rollout_jobs')
        .selectAll()
        .where('dispatched_at', 'is not', null)
        .where('state', 'not in', TERMINAL)
        .where('deadline_at', '<=', nowIso)
        .limit(1000)
        .execute(),
    openForDevice: (deviceId: string) =>
      db
        .selectFrom('rollout_jobs')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('dispatched_at', 'is not', null)
        .where('state', 'not in', TERMINAL)
        .execute(),
    queuedForDevice: (deviceId: string) =>
      db
        .selectFrom('rollout_jobs')
        .select(['rollout_id'])
        .where('device_id', '=', deviceId)
        .where('state', '=', 'queued')
        .where('dispatched_at', 'is', null)
        .execute(),
    rollbacksPending: () => db.selectFrom('rollouts').selectAll().where('rollback_state', '=', 'pending').execute(),
    revertsSentTo: (deviceId: string) =>
      db
        .selectFrom('rollout_jobs')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('revert_state', '=', 'sent')
        .execute(),
    revertsFor: (rolloutId: string, states: string[], limit: number) =>
      db
        .selectFrom('rollout_jobs')
        .selectAll()
        .where('rollout_id', '=', rolloutId)
        .where('revert_state', 'in', states)
        .limit(limit)
        .execute(),
    async setRevert(id: string, from: string, to: string, at: string) {
      const [r] = await db
        .updateTable('rollout_jobs')
        .set({ revert_state: to, updated_at: at })
        .where('id', '=', id)
        .where('revert_state', '=', from)
        .execute();
      const ok = Number(r?.numUpdatedRows ?? 0) === 1;
      if (ok) await events([id], at, () => 0, { state: `revert_${to}` });
      return ok;
    },
    async markReverts(rolloutId: string, at: string) {
      await db
        .updateTable('rollout_jobs')
        .set({ revert_state: 'pending', updated_at: at })
        .where('rollout_id', '=', rolloutId)
        .where('state', '=', 'succeeded')
        .where('revert_state', '=', 'none')
        .execute();
    },
    async deviceFacts(ids: string[]) {
      const facts = await devices.versions(ids);
      return new Map(
        [...facts].map(([id, f]) => [
          id,
          {
            model: f.model,
            firmware: f.firmware,
            agentVersion: f.agentVersion,
            updateRoot: f.capabilities ? updateRootOf(f.capabilities) : null,
          },
        ]),
      );
    },
    async mayDownload(deviceId: string, artifactId: string) {
      const r = await db
        .selectFrom('rollout_jobs')
        .innerJoin('rollouts', 'rollouts.id', 'rollout_jobs.rollout_id')
        .select('rollout_jobs.id')
        .where('rollout_jobs.device_id', '=', deviceId)
        .where('rollouts.artifact_id', '=', artifactId)
        .where('rollout_jobs.dispatched_at', 'is not', null)
        .where('rollout_jobs.state', 'not in', TERMINAL)
        .executeTakeFirst();
      return r !== undefined;
    },
    async artifactInUse(artifactId: string) {
      const r = await db.selectFrom('rollouts').select('id').where('artifact_id', '=', artifactId).executeTakeFirst();
      return r !== undefined;
    },
  };
}

/** The update trust root version a device's last hello reported, or null when it did not say. */
