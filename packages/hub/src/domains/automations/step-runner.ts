import type { AutomationStep, StepOutcome, StepResult } from '@outpost/protocol';
import { newId } from '../../platform/ids.js';
import { actionFor, timeoutOf } from './automation-spec.js';
import type { DeviceState, EngineDeps } from './automation-ports.js';
import type { RunDeviceRow } from './automations.store.js';
import { createConfigSteps, type ConfigStep } from './config-steps.js';
import { createRolloutStep } from './rollout-step.js';
import type { RunContext, StepHelpers } from './step-helpers.js';

// One device's current step, moved one stage at a time. A step that reaches a device is first
// written as `sent` with its command id, and only then sent: after a restart a `sent` step is
// awaited by that id (the commands domain keeps results), never sent again. Every move is a
// conditional update on (step, stage), so two movers never both send.

const OUTPUT_LIMIT = 16 * 1024;
// A command's own deadline ends it as timed out (commands.expire); this margin covers a late sweep.
const COMMAND_GRACE_MS = 30_000;

export type { RunContext };

function bounded(v: unknown): unknown {
  if (v === undefined || v === null) return v;
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length <= OUTPUT_LIMIT ? v : `${text.slice(0, OUTPUT_LIMIT)}… (truncated)`;
}

export function createStepRunner(d: EngineDeps) {
  // Diagnostics and notifications in flight on this hub: a `sent` one not here was cut by a restart.
  const inFlight = new Set<string>();

  /** Ends the current step with `outcome` and moves the device to what the step's condition chooses. */
  async function finish(
    ctx: RunContext,
    row: RunDeviceRow,
    outcome: StepOutcome,
    extra: { output?: unknown; reason?: string; commandId?: string } = {},
  ): Promise<boolean> {
    const step = ctx.spec.steps[row.stepIndex];
    const now = d.clock.now();
    const action = actionFor(step, outcome);
    const started = row.stepStartedAt ?? now.toISOString();
    const result: StepResult = {
      index: row.stepIndex,
      type: step.type,
      outcome,
      action,
      startedAt: started,
      finishedAt: now.toISOString(),
      durationMs: Math.max(0, now.getTime() - Date.parse(started)),
      ...(extra.commandId ? { commandId: extra.commandId } : {}),
      ...(extra.output !== undefined ? { output: bounded(extra.output) } : {}),
      ...(extra.reason ? { reason: extra.reason } : {}),
    };
    const results = [...row.results, result];
    const last = row.stepIndex + 1 >= ctx.spec.steps.length;
    const label = `step ${row.stepIndex + 1} (${step.type})`;
    const patch =
      action === 'fail'
        ? { state: 'failed' as const, reason: `${label}: ${extra.reason ?? outcome}`, finishedAt: now.toISOString() }
        : action === 'skip_rest' || last
          ? {
              state: 'succeeded' as const,
              reason:
                action === 'skip_rest' && !last ? `${label} ${outcome}: the remaining steps were not needed` : null,
              finishedAt: now.toISOString(),
            }
          : { stepIndex: row.stepIndex + 1, stepState: 'ready' as const, stepRef: null, stepStartedAt: null };
    const moved = await d.store.moveDevice(
      row.runId,
      row.deviceId,
      { stepIndex: row.stepIndex, stepState: row.stepState },
      { ...patch, results, stepDeadline: null },
    );
    if (moved)
      await d.audit.record({
        actor: ctx.actor,
        action: 'automation.step',
        target: `device:${row.deviceId}`,
        outcome: outcome === 'ok' ? 'ok' : 'failed',
        details: {
          automation: ctx.automationName,
          version: ctx.version,
          runId: ctx.runId,
          step: row.stepIndex + 1,
          type: step.type,
          outcome,
          action,
          ...(extra.commandId ? { commandId: extra.commandId } : {}),
          ...(extra.reason ? { reason: extra.reason.slice(0, 256) } : {}),
        },
      });
    return moved;
  }

  /** Claims the step's start: written before anything leaves the hub. */
  function claim(row: RunDeviceRow, stage: 'sent' | 'waiting', ref: string | null, timeoutS: number) {
    const now = d.clock.now();
    const patch = {
      stepState: stage,
      stepRef: ref,
      stepStartedAt: now.toISOString(),
      stepDeadline: new Date(now.getTime() + timeoutS * 1000).toISOString(),
    };
    return d.store
      .moveDevice(row.runId, row.deviceId, { stepIndex: row.stepIndex, stepState: 'ready' }, patch)
      .then((ok) => (ok ? { ...row, ...patch } : null));
  }

  const helpers: StepHelpers = { finish, claim, finishUnavailable, inFlight };
  const configSteps = createConfigSteps(d, helpers);
  const rolloutStep = createRolloutStep(d, helpers);

  function commandOf(step: AutomationStep): { name: string; args: Record<string, unknown> } | null {
    if (step.type === 'reboot') return { name: 'reboot', args: {} };
    if (step.type === 'command') return { name: step.name, args: step.args ?? {} };
    return null;
  }

  async function sendCommand(ctx: RunContext, row: RunDeviceRow, step: AutomationStep, id: string): Promise<void> {
    const cmd = commandOf(step)!;
    try {
      await d.commands.send(ctx.actor, row.deviceId, { id, ...cmd, timeoutS: timeoutOf(step) });
    } catch (err) {
      await finish(ctx, row, 'failed', { reason: `not sent: ${(err as Error).message.slice(0, 200)}`, commandId: id });
    }
  }

  async function start(ctx: RunContext, row: RunDeviceRow, step: AutomationStep, state?: DeviceState): Promise<void> {
    const timeoutS = timeoutOf(step);
    if (commandOf(step)) {
      const id = newId('cmd');
      const claimed = await claim(row, 'sent', id, timeoutS);
      if (claimed) await sendCommand(ctx, claimed, step, id);
      return;
    }
    if (step.type === 'wait') {
      await claim(row, 'waiting', null, timeoutS);
      return;
    }
    if (step.type === 'diagnostic') return startDiagnostic(ctx, row, step, timeoutS, state);
    if (step.type === 'notify') return startNotify(ctx, row, step, timeoutS);
    if (isConfigStep(step)) return configSteps.start(ctx, row, step, timeoutS);
    if (step.type === 'rollout') return rolloutStep.start(ctx, row, step, timeoutS);
    await finishUnavailable(ctx, row, step);
  }

  async function finishUnavailable(ctx: RunContext, row: RunDeviceRow, step: AutomationStep) {
    const claimed = await claim(row, 'sent', null, 1);
    if (claimed) await finish(ctx, claimed, 'failed', { reason: `${step.type} steps are not available on this hub` });
  }

  async function startDiagnostic(
    ctx: RunContext,
    row: RunDeviceRow,
    step: Extract<AutomationStep, { type: 'diagnostic' }>,
    timeoutS: number,
    state: DeviceState | undefined,
  ) {
    const runner = d.diagnostics;
    if (!runner) return finishUnavailable(ctx, row, step);
    const ref = `${ctx.runId}/${row.deviceId}/${row.stepIndex}`;
    // A device out of reach is waited for until the step's deadline, as a command waits for it.
    const claimed = await claim(row, state?.presence === 'online' ? 'sent' : 'waiting', ref, timeoutS);
    if (!claimed || claimed.stepState === 'waiting') return;
    inFlight.add(ref);
    // The diagnostic runs beside the tick: its result ends the step when it comes.
    void runDiagnostic(ctx, claimed, step, ref, timeoutS);
  }

  /** A diagnostic waiting for its device: sent once the device is back, a timeout at the deadline. */
  async function pollDiagnosticWait(
    ctx: RunContext,
    row: RunDeviceRow,
    step: Extract<AutomationStep, { type: 'diagnostic' }>,
    state: DeviceState | undefined,
  ) {
    const left = Date.parse(row.stepDeadline!) - d.clock.now().getTime();
    if (left <= 0)
      return void (await finish(ctx, row, 'timeout', { reason: 'the device was not reachable before the deadline' }));
    if (state?.presence !== 'online') return;
    const ref = row.stepRef!;
    const moved = await d.store.moveDevice(
      row.runId,
      row.deviceId,
      { stepIndex: row.stepIndex, stepState: 'waiting' },
      { stepState: 'sent' },
    );
    if (!moved) return;
    inFlight.add(ref);
    void runDiagnostic(ctx, { ...row, stepState: 'sent' }, step, ref, Math.max(1, Math.ceil(left / 1000)));
  }

  async function runDiagnostic(
    ctx: RunContext,
    claimed: RunDeviceRow,
    step: Extract<AutomationStep, { type: 'diagnostic' }>,
    ref: string,
    timeoutS: number,
  ) {
    const runner = d.diagnostics!;
    try {
      const r = await runner.runOn(claimed.deviceId, step.name, {
        param: step.param,
        timeoutMs: timeoutS * 1000,
        actor: ctx.actor.id,
        runId: ctx.runId,
      });
      // Gone again before it could be asked (or not yet ready): waited for while the step has time.
      if (r.status === 'offline' && d.clock.now().getTime() < Date.parse(claimed.stepDeadline!)) {
        await d.store.moveDevice(
          claimed.runId,
          claimed.deviceId,
          { stepIndex: claimed.stepIndex, stepState: 'sent' },
          { stepState: 'waiting' },
        );
        return;
      }
      const outcome: StepOutcome = r.status === 'ok' ? 'ok' : r.status === 'timeout' ? 'timeout' : 'failed';
      await finish(ctx, claimed, outcome, {
        output: { status: r.status, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, truncated: r.truncated },
        ...(outcome === 'ok' ? {} : { reason: r.reason ?? `diagnostic ${r.status}` }),
      });
    } catch (err) {
      await finish(ctx, claimed, 'failed', {
        reason: `diagnostic failed: ${(err as Error).message.slice(0, 200)}`,
      }).catch((e: unknown) => d.logger.warn({ err: e }, 'automation step could not be recorded'));
    } finally {
      inFlight.delete(ref);
    }
  }

  async function startNotify(
    ctx: RunContext,
    row: RunDeviceRow,
    step: Extract<AutomationStep, { type: 'notify' }>,
    timeoutS: number,
  ) {
    const ref = `${ctx.runId}/${row.deviceId}/${row.stepIndex}`;
    const claimed = await claim(row, 'sent', ref, timeoutS);
    if (!claimed) return;
    inFlight.add(ref);
    try {
      const summary = step.message.replaceAll('{device}', row.deviceId).replaceAll('{automation}', ctx.automationName);
      const messageId = await d.notify.send(step.channelId, summary, {
        v: 1,
        type: 'automation',
        automation: ctx.automationName,
        version: ctx.version,
        runId: ctx.runId,
        deviceId: row.deviceId,
        summary,
        steps: row.results.map((r) => ({ index: r.index, type: r.type, outcome: r.outcome })),
      });
      await finish(ctx, claimed, 'ok', { output: { messageId } });
    } catch (err) {
      await finish(ctx, claimed, 'failed', { reason: `not queued: ${(err as Error).message.slice(0, 200)}` });
    } finally {
      inFlight.delete(ref);
    }
  }

  async function pollCommand(ctx: RunContext, row: RunDeviceRow, step: AutomationStep): Promise<void> {
    const id = row.stepRef!;
    const c = await d.commands.get(id);
    if (!c) {
      // Written as sent, but the hub stopped before the command was stored: it never left the hub,
      // so storing it now under the same id sends it for the first time.
      await sendCommand(ctx, row, step, id);
      return;
    }
    const base = { commandId: id, output: c.result ?? undefined };
    if (c.state === 'succeeded') await finish(ctx, row, 'ok', base);
    else if (c.state === 'failed') await finish(ctx, row, 'failed', { ...base, reason: c.error ?? 'failed' });
    else if (c.state === 'timed_out')
      await finish(ctx, row, 'timeout', { ...base, reason: 'no answer before the deadline' });
    else if (d.clock.now().getTime() > Date.parse(row.stepDeadline!) + COMMAND_GRACE_MS)
      await finish(ctx, row, 'timeout', { ...base, reason: 'no answer before the deadline' });
  }

  function conditionHolds(step: Extract<AutomationStep, { type: 'wait' }>, s: DeviceState | undefined): boolean {
    if (!s) return false;
    if (step.until === 'online') return s.presence === 'online';
    if (step.until === 'offline') return s.presence !== 'online';
    return s.presence === 'online' && s.health === 'normal';
  }

  /** Moves a device whose step has started: checks its command, its wait, or what a restart cut. */
  async function poll(ctx: RunContext, row: RunDeviceRow, state: DeviceState | undefined): Promise<void> {
    const step = ctx.spec.steps[row.stepIndex];
    const now = d.clock.now().getTime();
    if (step.type === 'wait') {
      const due = now >= Date.parse(row.stepDeadline!);
      if (step.until && conditionHolds(step, state)) await finish(ctx, row, 'ok', { output: { until: step.until } });
      else if (due)
        await finish(
          ctx,
          row,
          step.until ? 'timeout' : 'ok',
          step.until ? { reason: `not ${step.until.replace('_', ' ')} in time` } : {},
        );
      return;
    }
    if (commandOf(step)) return pollCommand(ctx, row, step);
    if (step.type === 'diagnostic' && row.stepState === 'waiting') return pollDiagnosticWait(ctx, row, step, state);
    if (isConfigStep(step)) return configSteps.poll(ctx, row, step);
    if (step.type === 'rollout') return rolloutStep.poll(ctx, row, step);
    if (row.stepRef && inFlight.has(row.stepRef)) return;
    // A diagnostic or a message that was under way when the hub stopped: it may have reached the
    // device or the channel, so it is not repeated.
    await finish(ctx, row, 'failed', { reason: 'the hub restarted while this step ran; it is not repeated' });
  }

  return { start, poll, busy: () => inFlight.size };
}

function isConfigStep(step: AutomationStep): step is ConfigStep {
  return step.type === 'config_override' || step.type === 'enforce_template';
}

export type StepRunner = ReturnType<typeof createStepRunner>;
