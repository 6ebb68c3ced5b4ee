import { TERMINAL_JOB_STATES, type UpdateStatusMessage } from '@outpost/protocol';
import { retryDelayMs } from './rollout-plan.js';
import type { RolloutContext } from './rollout-context.js';
import type { JobEvent, JobPatch, JobRow, ReportedJob } from './rollouts.store.js';

// Order of the device job states (DESIGN.md): a report may only move a job forward, so a
// late or repeated report (after a reconnect, or a hub restart) changes nothing.
const RANK: Record<string, number> = {
  queued: 0,
  downloading: 1,
  downloaded: 2,
  installing: 3,
  rebooting: 4,
  verifying: 5,
};
const rank = (s: string) => RANK[s] ?? 9;
const TERMINAL = new Set<string>(TERMINAL_JOB_STATES);

/** A transient failure is retried with backoff while attempts remain; otherwise the job fails. */
export async function retryOrFail(c: RolloutContext, job: JobRow, reason: string, message: string): Promise<void> {
  const r = await c.store.rollout(job.rollout_id);
  if (!r) return;
  const o = c.options(r);
  const at = c.nowIso();
  const live = r.state === 'running' || r.state === 'paused';
  if (live && job.attempt <= o.retries.max) {
    const next = new Date(Date.parse(at) + retryDelayMs(o.retries, job.attempt)).toISOString();
    await c.store.transition(
      job,
      {
        state: 'queued',
        dispatched_at: null,
        deadline_at: null,
        next_attempt_at: next,
        last_error: `${reason}: ${message}`.slice(0, 500),
      },
      {
        state: 'queued',
        reason,
        detail: `retry ${job.attempt} of ${o.retries.max} at ${next}: ${message}`.slice(0, 500),
      },
      at,
    );
    return;
  }
  const why = live ? `${message} (no retries left)` : message;
  await c.store.transition(
    job,
    { state: 'failed', reason, last_error: why.slice(0, 500) },
    { state: 'failed', reason, detail: why.slice(0, 500) },
    at,
  );
}

/** What one report does to its job. */
type Plan =
  | { kind: 'unknown' }
  | { kind: 'none' }
  | { kind: 'reverted' }
  | { kind: 'retry' }
  | { kind: 'move'; patch: JobPatch; e: JobEvent | null };

/** Forward moves only, for the current attempt only; a stale or repeated report changes nothing. */
function planReport(job: ReportedJob | undefined, deviceId: string, m: UpdateStatusMessage): Plan {
  if (!job || job.device_id !== deviceId) return { kind: 'unknown' };
  if (m.state === 'reverted') return { kind: 'reverted' };
  // Stale: an earlier attempt, a job the hub already finished, or one it re-queued meanwhile.
  if (m.attempt !== job.attempt || TERMINAL.has(job.state) || job.dispatched_at === null) return { kind: 'none' };
  const progress = { bytes: m.bytes ?? Number(job.bytes), total: m.total ?? Number(job.total) };
  if (m.state === job.state) {
    if (m.state !== 'downloading' || m.bytes === undefined) return { kind: 'none' };
    const e = m.resumedFrom ? { state: 'downloading', detail: `resumed from byte ${m.resumedFrom}` } : null;
    return { kind: 'move', patch: progress, e };
  }
  if (rank(m.state) <= rank(job.state)) return { kind: 'none' };
  if (m.state === 'failed' && m.transient) return { kind: 'retry' };
  const terminal = TERMINAL.has(m.state);
  const detail =
    [
      m.message,
      m.firmware ? `firmware ${m.firmware}` : null,
      m.resumedFrom ? `resumed from byte ${m.resumedFrom}` : null,
    ]
      .filter(Boolean)
      .join('; ') || null;
  return {
    kind: 'move',
    patch: {
      state: m.state,
      ...progress,
      ...(terminal && m.state !== 'succeeded' ? { reason: m.reason ?? m.state, last_error: m.message ?? null } : {}),
    },
    e: { state: m.state, reason: m.reason ?? null, detail },
  };
}

/** Applies one report from a device to its job. */
export async function onJobStatus(c: RolloutContext, deviceId: string, m: UpdateStatusMessage): Promise<void> {
  const job = await c.store.job(m.jobId);
  const plan = planReport(job, deviceId, m);
  if (plan.kind === 'move') await c.store.transition(job!, plan.patch, plan.e, c.nowIso());
  else await actOn(c, plan, job, deviceId, m);
}

/**
 * Applies reports that arrived together: their jobs are read at once and the plain forward moves
 * written in one transaction (a fleet reporting at once costs a few statements per report, not a
 * read, a write and a commit each). Reverts and retries, rare, follow one by one — and so does
 * every later report of a job that had one, to keep each job's reports in order.
 */
export async function onJobStatuses(
  c: RolloutContext,
  reports: Array<{ deviceId: string; m: UpdateStatusMessage }>,
): Promise<void> {
  const ids = [...new Set(reports.map((r) => r.m.jobId))];
  const jobs = new Map((await c.store.reportedJobs(ids)).map((j) => [j.id, j]));
  const moves: Parameters<RolloutContext['store']['transitionMany']>[0] = [];
  const later: typeof reports = [];
  const deferred = new Set<string>();
  for (const r of reports) {
    if (deferred.has(r.m.jobId)) {
      later.push(r);
      continue;
    }
    const job = jobs.get(r.m.jobId);
    const plan = planReport(job, r.deviceId, r.m);
    if (plan.kind === 'move') {
      moves.push({ job: job!, patch: plan.patch, e: plan.e });
      // The next report of the same job in this batch is weighed against this one's result.
      jobs.set(job!.id, { ...job!, ...plan.patch });
    } else if (plan.kind === 'reverted' || plan.kind === 'retry') {
      deferred.add(r.m.jobId);
      later.push(r);
    } else if (plan.kind === 'unknown') warnUnknown(c, r.deviceId, r.m);
  }
  await c.store.transitionMany(moves, c.nowIso());
  for (const r of later) await onJobStatus(c, r.deviceId, r.m);
}

const warnUnknown = (c: RolloutContext, deviceId: string, m: UpdateStatusMessage) =>
  c.logger.warn({ deviceId, jobId: m.jobId }, 'update status for an unknown or foreign job');

async function actOn(
  c: RolloutContext,
  plan: Exclude<Plan, { kind: 'move' }>,
  job: JobRow | undefined,
  deviceId: string,
  m: UpdateStatusMessage,
): Promise<void> {
  if (plan.kind === 'unknown') warnUnknown(c, deviceId, m);
  else if (plan.kind === 'reverted') {
    if (job!.revert_state === 'sent' || job!.revert_state === 'pending')
      await c.store.setRevert(job!.id, job!.revert_state, 'done', c.nowIso());
  } else if (plan.kind === 'retry')
    await retryOrFail(c, job!, m.reason ?? 'transient', m.message ?? 'transient failure');
}

/** Jobs whose attempt ran past the per-device timeout count as a transient failure. */
export async function expireJobs(c: RolloutContext): Promise<void> {
  for (const job of await c.store.timedOut(c.nowIso())) {
    const r = await c.store.rollout(job.rollout_id);
    const s = r ? c.options(r).deviceTimeoutS : 0;
    await retryOrFail(c, job, 'timed_out', `no result within ${s} s (state was ${job.state})`);
  }
}
