import type { AutomationStep, RolloutInput } from '@outpost/protocol';
import type { EngineDeps, RolloutState } from './automation-ports.js';
import type { RunDeviceRow } from './automations.store.js';
import { stepActor } from './config-steps.js';
import type { RunContext, StepHelpers } from './step-helpers.js';

// A rollout step makes one rollout per run and step, not one per device: the first device to
// reach the step creates it for every device of the run still in play (queued, waiting or
// running), under a name made of the run and the step; the others, and a hub restarted in the
// middle, find it by that name, so it is never created twice. The rollout then runs under its
// own guards (waves, thresholds, window, approvals). Each device's step carries the rollout id
// and ends when the rollout exists (`waitFor: created`) or when it is over (`finished`:
// completed → ok, aborted or canceled → failed).

type RolloutStep = Extract<AutomationStep, { type: 'rollout' }>;

const FINISHED_OK = new Set(['completed']);
const FINISHED_FAILED = new Set(['aborted', 'canceled']);

export const rolloutNameOf = (ctx: RunContext, stepIndex: number) =>
  `automation ${ctx.automationName} ${ctx.runId} step ${stepIndex + 1}`;

export function rolloutInputOf(name: string, step: RolloutStep, deviceIds: readonly string[]): RolloutInput {
  const { type: _t, timeoutS: _s, on: _o, label: _l, waitFor: _w, ...guards } = step;
  return {
    ...guards,
    name,
    target: { filter: `id in (${deviceIds.map((id) => JSON.stringify(id)).join(', ')})` },
    start: step.start ?? true,
  };
}

export function createRolloutStep(d: EngineDeps, h: StepHelpers) {
  // One creation per rollout name at a time on this hub (devices of a run move side by side).
  const creating = new Map<string, Promise<RolloutState>>();

  async function ensure(ctx: RunContext, row: RunDeviceRow, step: RolloutStep): Promise<RolloutState> {
    const name = rolloutNameOf(ctx, row.stepIndex);
    const pending = creating.get(name);
    if (pending) return pending;
    const made = (async () => {
      const found = await d.rollouts!.byName(name);
      if (found) return found;
      const ids = (await d.store.activeDevices(ctx.runId)).map((r) => r.deviceId);
      return d.rollouts!.create(stepActor(ctx), rolloutInputOf(name, step, ids));
    })();
    creating.set(name, made);
    try {
      return await made;
    } finally {
      creating.delete(name);
    }
  }

  /** Creates (or finds) the run's rollout, then ends the step or awaits the rollout. */
  async function act(ctx: RunContext, row: RunDeviceRow, step: RolloutStep) {
    let r: RolloutState;
    try {
      r = await ensure(ctx, row, step);
    } catch (err) {
      return void (await h.finish(ctx, row, 'failed', {
        reason: `rollout not created: ${(err as Error).message.slice(0, 300)}`,
      }));
    }
    if ((step.waitFor ?? 'created') === 'created')
      return void (await h.finish(ctx, row, 'ok', { output: { rolloutId: r.id, state: r.state } }));
    await d.store.moveDevice(
      row.runId,
      row.deviceId,
      { stepIndex: row.stepIndex, stepState: 'sent' },
      {
        stepState: 'waiting',
        stepRef: r.id,
      },
    );
  }

  async function start(ctx: RunContext, row: RunDeviceRow, step: RolloutStep, timeoutS: number) {
    if (!d.rollouts) return h.finishUnavailable(ctx, row, step);
    const ref = `${ctx.runId}/${row.deviceId}/${row.stepIndex}`;
    const claimed = await h.claim(row, 'sent', ref, timeoutS);
    if (!claimed) return;
    h.inFlight.add(ref);
    try {
      await act(ctx, claimed, step);
    } finally {
      h.inFlight.delete(ref);
    }
  }

  async function poll(ctx: RunContext, row: RunDeviceRow, step: RolloutStep) {
    if (row.stepState === 'sent') {
      // Cut by a restart: the rollout is found by its name, or made now if it never was.
      if (row.stepRef && h.inFlight.has(row.stepRef)) return;
      return act(ctx, row, step);
    }
    const r = await d.rollouts!.get(row.stepRef!);
    const output = { rolloutId: row.stepRef, state: r?.state ?? 'missing' };
    if (r && FINISHED_OK.has(r.state)) return void (await h.finish(ctx, row, 'ok', { output }));
    if (!r || FINISHED_FAILED.has(r.state))
      return void (await h.finish(ctx, row, 'failed', {
        output,
        reason: r ? `rollout ${r.state}${r.reason ? `: ${r.reason}` : ''}` : 'the rollout no longer exists',
      }));
    if (d.clock.now().getTime() >= Date.parse(row.stepDeadline!))
      await h.finish(ctx, row, 'timeout', { output, reason: `rollout still ${r.state} at the step's deadline` });
  }

  return { start, poll };
}
