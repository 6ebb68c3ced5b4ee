import type { AutomationStep } from '@outpost/protocol';
import type { Actor } from '../audit/index.js';
import type { AutomationConfigs, EngineDeps } from './automation-ports.js';
import type { RunDeviceRow } from './automations.store.js';
import type { RunContext, StepHelpers } from './step-helpers.js';

// Configuration steps: a per-device override set or cleared, or a template enforced (the API's
// push), then (by default) awaited until the device reports compliance. The step is written as
// `sent` before the configs domain is asked, and as `waiting` once it has answered: a step found
// `sent` after a restart looks at the device's overrides before acting, so an override reaches
// the configs domain once; an enforcement found `sent` is not pushed again, only awaited.

type OverrideStep = Extract<AutomationStep, { type: 'config_override' }>;
type EnforceStep = Extract<AutomationStep, { type: 'enforce_template' }>;
export type ConfigStep = OverrideStep | EnforceStep;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** True when the device's overrides already are what the step sets and clears. */
export function overridesMatch(values: Record<string, unknown>, current: Record<string, unknown>): boolean {
  return Object.entries(values).every(([k, v]) => (v === null ? !(k in current) : k in current && same(current[k], v)));
}

/** Who the configs domain records: the automation with the version that ran. */
export const stepActor = (ctx: RunContext): Actor => ({ type: 'system', id: `${ctx.actor.id}@v${ctx.version}` });

export function createConfigSteps(d: EngineDeps, h: StepHelpers) {
  const refOf = (ctx: RunContext, row: RunDeviceRow) => `${ctx.runId}/${row.deviceId}/${row.stepIndex}`;
  const waitsForCompliance = (step: ConfigStep) => (step.waitFor ?? 'compliant') === 'compliant';

  /** The template an enforcement names, or a reason it cannot run on this device. */
  async function templateFor(configs: AutomationConfigs, deviceId: string, step: EnforceStep) {
    const name = await configs.templateName(step.templateId);
    if (!name) return { reason: `no template "${step.templateId}"` };
    if (!(await configs.compliance(deviceId, name)))
      return { reason: `template "${name}" does not apply to this device` };
    return { name };
  }

  /** Asks the configs domain, then moves the step on: done (`set`/`sent`) or awaiting compliance. */
  async function act(ctx: RunContext, row: RunDeviceRow, step: ConfigStep, alreadyApplied: boolean) {
    const configs = d.configs!;
    let output: Record<string, unknown>;
    try {
      if (step.type === 'config_override') {
        if (!alreadyApplied) await configs.applyOverrides(stepActor(ctx), row.deviceId, step.values);
        output = {
          keys: Object.keys(step.values),
          ...(alreadyApplied ? { note: 'already set before a restart' } : {}),
        };
      } else {
        const t = await templateFor(configs, row.deviceId, step);
        if ('reason' in t) return void (await h.finish(ctx, row, 'failed', { reason: t.reason }));
        if (!alreadyApplied) await configs.enforce(stepActor(ctx), row.deviceId);
        output = { template: t.name };
      }
    } catch (err) {
      return void (await h.finish(ctx, row, 'failed', { reason: (err as Error).message.slice(0, 300) }));
    }
    if (!waitsForCompliance(step)) return void (await h.finish(ctx, row, 'ok', { output }));
    await d.store.moveDevice(
      row.runId,
      row.deviceId,
      { stepIndex: row.stepIndex, stepState: 'sent' },
      {
        stepState: 'waiting',
      },
    );
  }

  async function start(ctx: RunContext, row: RunDeviceRow, step: ConfigStep, timeoutS: number) {
    if (!d.configs) return h.finishUnavailable(ctx, row, step);
    const ref = refOf(ctx, row);
    const claimed = await h.claim(row, 'sent', ref, timeoutS);
    if (!claimed) return;
    h.inFlight.add(ref);
    try {
      await act(ctx, claimed, step, false);
    } finally {
      h.inFlight.delete(ref);
    }
  }

  /** A `sent` step not in flight here was cut by a restart: looked at, never blindly repeated. */
  async function resume(ctx: RunContext, row: RunDeviceRow, step: ConfigStep) {
    const ref = row.stepRef ?? refOf(ctx, row);
    if (h.inFlight.has(ref)) return;
    h.inFlight.add(ref);
    try {
      const applied =
        step.type === 'enforce_template' || overridesMatch(step.values, await d.configs!.overrides(row.deviceId));
      await act(ctx, row, step, applied);
    } finally {
      h.inFlight.delete(ref);
    }
  }

  async function poll(ctx: RunContext, row: RunDeviceRow, step: ConfigStep) {
    const configs = d.configs!;
    if (row.stepState === 'sent') return resume(ctx, row, step);
    const source = step.type === 'enforce_template' ? await configs.templateName(step.templateId) : null;
    const c = await configs.compliance(row.deviceId, source);
    const output = { compliance: c?.state ?? 'none', ...(source ? { template: source } : {}) };
    if (!c || c.state === 'compliant') return void (await h.finish(ctx, row, 'ok', { output }));
    if (c.state === 'error')
      return void (await h.finish(ctx, row, 'failed', { output, reason: `the device reported an error: ${c.reason}` }));
    if (d.clock.now().getTime() >= Date.parse(row.stepDeadline!))
      await h.finish(ctx, row, 'timeout', { output, reason: `not compliant in time (${c.state})` });
  }

  return { start, poll };
}
