import { TERMINAL_JOB_STATES, type UpdateStatusMessage } from '@outpost/protocol';
import { retryDelayMs } from './rollout-plan.js';
import type { RolloutContext } from './rollout-context.js';
import type { JobRow } from './rollouts.store.js';

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

/** Applies one report from a device to its job: forward moves only, for the current attempt only. */
export async function onJobStatus(c: RolloutContext, deviceId: string, m: UpdateStatusMessage): Promise<void> {
  const job = await c.store.job(m.jobId);
  if (!job || job.device_id !== deviceId) {
    c.logger.warn({ deviceId, jobId: m.jobId }, 'update status for an unknown or foreign job');
    return;
  }
  const at = c.nowIso();
  if (m.state === 'reverted') {
    if (job.revert_state === 'sent' || job.revert_state === 'pending')
      await c.store.setRevert(job.id, job.revert_state, 'done', at);
    return;
  }
  // Stale: an earlier attempt, a job the hub already finished, or one it re-queued meanwhile.
  if (m.attempt !== job.attempt || TERMINAL.has(job.state) || job.dispatched_at === null) return;
  const progress = { bytes: m.bytes ?? Number(job.bytes), total: m.total ?? Number(job.total) };
  if (m.state === job.state) {
    if (m.state === 'downloading' && m.bytes !== undefined) {
      await c.store.transition(
        job,
        progress,
        m.resumedFrom ? { state: 'downloading', detail: `resumed from byte ${m.resumedFrom}` } : null,
        at,
      );
    }
    return;
  }
  if (rank(m.state) <= rank(job.state)) return;
  if (m.state === 'failed' && m.transient)
    return retryOrFail(c, job, m.reason ?? 'transient', m.message ?? 'transient failure');
  const terminal = TERMINAL.has(m.state);
  const detail =
    [
      m.message,
      m.firmware ? `firmware ${m.firmware}` : null,
      m.resumedFrom ? `resumed from byte ${m.resumedFrom}` : null,
    ]
      .filter(Boolean)
      .join('; ') || null;
  await c.store.transition(
    job,
    {
      state: m.state,
      ...progress,
      ...(terminal && m.state !== 'succeeded' ? { reason: m.reason ?? m.state, last_error: m.message ?? null } : {}),
    },
    { state: m.state, reason: m.reason ?? null, detail },
    at,
  );
}

/** Jobs whose attempt ran past the per-device timeout count as a transient failure. */
export async function expireJobs(c: RolloutContext): Promise<void> {
  for (const job of await c.store.timedOut(c.nowIso())) {
    const r = await c.store.rollout(job.rollout_id);
    const s = r ? c.options(r).deviceTimeoutS : 0;
    await retryOrFail(c, job, 'timed_out', `no result within ${s} s (state was ${job.state})`);
  }
}
