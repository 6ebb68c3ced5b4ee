import { createHash } from 'node:crypto';
import { TERMINAL_JOB_STATES } from '@outpost/protocol';
import { newId } from '../../../platform/ids.js';
import { narrowFilterText } from '../../../platform/scope-reach.js';
import type { DeviceDirectory } from '../../devices/index.js';
import type { DeviceSelector } from '../../devices/index.js';
import { dispatchRollout, revertStep } from './job-dispatch.js';
import { expireJobs } from './job-reports.js';
import { planWaves } from './rollout-plan.js';
import { publish, SYSTEM, type RolloutContext } from './rollout-context.js';
import type { JobRow, RolloutRow } from './rollouts.store.js';

export const MAX_TARGETS = 100_000;
const TERMINAL = new Set<string>(TERMINAL_JOB_STATES);

export interface EngineDeps {
  devices: DeviceDirectory;
  selector: DeviceSelector;
}

/**
 * Target filter of a rollout: a group becomes `group = "path"` in the one filter language; a target
 * made by a group-scoped operator is narrowed to that operator's groups (`within`).
 */
export function targetFilter(t: RolloutTargetReach): string {
  return narrowFilterText(t.group ? `group = ${JSON.stringify(t.group)}` : (t.filter ?? ''), t.within) ?? '';
}

/** A rollout's stored target: its group or filter, and the scope it was made in. */
export interface RolloutTargetReach {
  group?: string;
  filter?: string;
  within?: string[];
}

/** A stable spread of devices over waves, so the canary is not always the lowest ids. */
function spread(ids: string[], seed: string): string[] {
  const key = (id: string) => createHash('sha1').update(seed).update(id).digest('hex');
  return ids
    .map((id) => ({ id, k: key(id) }))
    .sort((a, b) => (a.k < b.k ? -1 : 1))
    .map((x) => x.id);
}

/** Drives rollouts: starts scheduled ones, advances waves, aborts, completes, dispatches. Every step is idempotent. */
export function createRolloutEngine(c: RolloutContext, d: EngineDeps) {
  async function begin(r: RolloutRow, from: string[]): Promise<boolean> {
    const where = await d.selector.where(targetFilter(JSON.parse(r.target_json) as RolloutTargetReach));
    const ids = spread(await d.devices.ids(where, MAX_TARGETS), r.id);
    const sizes = planWaves(ids.length, c.options(r).waves);
    const at = c.nowIso();
    let k = 0;
    const jobs: JobRow[] = [];
    sizes.forEach((size, wave) => {
      for (let i = 0; i < size; i++, k++) {
        jobs.push({
          id: newId('job', 10),
          rollout_id: r.id,
          device_id: ids[k],
          wave,
          state: 'queued',
          reason: null,
          last_error: null,
          attempt: 0,
          dispatched_at: null,
          first_dispatched_at: null,
          next_attempt_at: null,
          deadline_at: null,
          bytes: 0,
          total: 0,
          from_version: null,
          revert_state: 'none',
          created_at: at,
          updated_at: at,
        });
      }
    });
    const ok = await c.store.begin(r.id, from, sizes, jobs, at);
    if (ok)
      await c.audit.record({
        actor: SYSTEM,
        action: 'rollout.start',
        target: `rollout:${r.id}`,
        details: { devices: ids.length, waves: sizes },
      });
    return ok;
  }

  /** Ends a rollout early: queued jobs are canceled, devices at work are told to stop if they still can. */
  async function stop(r: RolloutRow, state: 'aborted' | 'canceled', reason: string, from: string[]): Promise<boolean> {
    const at = c.nowIso();
    const rollback = state === 'aborted' && c.options(r).rollbackOnAbort;
    const ok = await c.store.updateRollout(r.id, from, {
      state,
      reason,
      finished_at: at,
      state_changed_at: at,
      ...(rollback ? { rollback_state: 'pending' } : {}),
    });
    if (!ok) return false;
    await c.store.closeQueued(r.id, 'canceled', state === 'aborted' ? 'rollout_aborted' : 'rollout_canceled', at);
    for (const j of await c.store.jobs(r.id, { limit: MAX_TARGETS, offset: 0 })) {
      if (j.dispatched_at && !TERMINAL.has(j.state) && c.isReady(j.device_id))
        void publish(c, j.device_id, { v: 1, action: 'cancel', jobId: j.id });
    }
    if (rollback) await c.store.markReverts(r.id, at);
    return true;
  }

  async function advance(r: RolloutRow, idx: number, approvedBy: string | null): Promise<void> {
    const at = c.nowIso();
    await c.store.setWave(r.id, idx, ['running', 'awaiting_approval'], {
      state: 'passed',
      passed_at: at,
      ...(approvedBy ? { approved_by: approvedBy } : {}),
    });
    if (await c.store.updateRollout(r.id, ['running', 'paused'], { current_wave: idx + 1 }, { currentWave: idx })) {
      await c.store.setWave(r.id, idx + 1, ['pending'], { state: 'running', started_at: at });
    }
  }

  /** One look at a running rollout: deadline, abort threshold, wave gate, completion, then dispatch. */
  async function step(r: RolloutRow): Promise<void> {
    const o = c.options(r);
    const at = c.nowIso();
    if (r.deadline && r.deadline <= at) await c.store.closeQueued(r.id, 'skipped', 'deadline_passed', at);
    const waves = await c.store.waves(r.id);
    const counts = await c.store.countsByWave(r.id);
    const n = (wave: number | null, ...states: string[]) =>
      counts.filter((x) => (wave === null || x.wave === wave) && states.includes(x.state)).reduce((s, x) => s + x.n, 0);
    const started = waves.filter((w) => w.idx <= r.current_wave).reduce((s, w) => s + w.size, 0);
    const failures = n(null, 'failed', 'rolled_back');
    const byCount = o.abortFailures !== undefined && failures >= o.abortFailures;
    const byPct = o.abortFailurePct !== undefined && started > 0 && (failures * 100) / started >= o.abortFailurePct;
    if (failures > 0 && (byCount || byPct)) {
      const why = `${failures} of ${started} started devices failed (abort at ${byCount ? `${o.abortFailures} devices` : `${o.abortFailurePct}%`})`;
      if (await stop(r, 'aborted', why, ['running']))
        await c.audit.record({
          actor: SYSTEM,
          action: 'rollout.abort',
          target: `rollout:${r.id}`,
          details: { reason: why },
        });
      return;
    }
    const w = waves[r.current_wave];
    const last = r.current_wave >= waves.length - 1;
    const total = waves.reduce((s, x) => s + x.size, 0);
    if (w) {
      const done = n(w.idx, ...TERMINAL);
      const eligible = w.size - n(w.idx, 'skipped', 'canceled');
      const pct = eligible <= 0 ? 100 : (n(w.idx, 'succeeded') * 100) / eligible;
      if (w.state === 'passed' && !last) return advance(r, w.idx, null);
      if (w.state === 'running' && pct >= o.successThresholdPct && !last) {
        if (o.advance === 'approval') await c.store.setWave(r.id, w.idx, ['running'], { state: 'awaiting_approval' });
        else await advance(r, w.idx, null);
      } else if (w.state === 'running' && done === w.size && pct < o.successThresholdPct && !last) {
        const why = `wave ${w.idx + 1} ended at ${pct.toFixed(1)}% success, below ${o.successThresholdPct}%: resume to continue or cancel`;
        await c.store.updateRollout(r.id, ['running'], { state: 'paused', reason: why, state_changed_at: at });
        return;
      }
    }
    if (last && n(null, ...TERMINAL) === total) {
      if (
        await c.store.updateRollout(r.id, ['running'], {
          state: 'completed',
          finished_at: at,
          state_changed_at: at,
          reason: null,
        })
      ) {
        await c.store.setWave(r.id, r.current_wave, ['running'], { state: 'passed', passed_at: at });
        await c.audit.record({
          actor: SYSTEM,
          action: 'rollout.complete',
          target: `rollout:${r.id}`,
          details: Object.fromEntries(counts.map((x) => [`wave${x.wave + 1}.${x.state}`, x.n])),
        });
      }
      return;
    }
    await dispatchRollout(c, (await c.store.rollout(r.id)) ?? r);
  }

  async function tick(): Promise<void> {
    await expireJobs(c);
    const at = c.nowIso();
    for (const r of [...(await c.store.inStates(['scheduled', 'running'])), ...(await c.store.rollbacksPending())]) {
      try {
        if (r.state === 'scheduled' && r.start_at && r.start_at <= at) await begin(r, ['scheduled']);
        else if (r.state === 'running') await step(r);
        else if (r.rollback_state === 'pending' && (await revertStep(c, r)))
          await c.store.updateRollout(r.id, [r.state], { rollback_state: 'done' });
      } catch (err) {
        c.logger.error({ err, rollout: r.id }, 'rollout step failed');
      }
    }
  }

  return { tick, begin, stop, advance, step };
}
