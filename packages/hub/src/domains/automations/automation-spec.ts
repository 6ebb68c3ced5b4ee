import type {
  AutomationChange,
  AutomationGuards,
  AutomationStep,
  AutomationTarget,
  AutomationTrigger,
  StepAction,
  StepOutcome,
} from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import { cronOf } from './cron-times.js';

// An automation's document, checked and with its defaults filled in: pure rules over plain data.

export interface AutomationSpec {
  description: string | null;
  trigger: AutomationTrigger;
  target: AutomationTarget;
  steps: AutomationStep[];
  guards: Required<Pick<AutomationGuards, 'maxDevices' | 'maxConcurrent' | 'cooldownMin' | 'offline'>> &
    Omit<AutomationGuards, 'maxDevices' | 'maxConcurrent' | 'cooldownMin' | 'offline'>;
}

/** Step timeouts when a step names none (seconds). */
export const DEFAULT_TIMEOUT_S: Record<AutomationStep['type'], number> = {
  command: 60,
  reboot: 120,
  diagnostic: 60,
  config_override: 300,
  enforce_template: 300,
  wait: 900,
  notify: 30,
  rollout: 60,
};

/** Triggers that name one device, so a run can target "the triggering device". */
const DEVICE_TRIGGERS = new Set(['alert', 'device_event', 'offline', 'health', 'group_join', 'manual']);

/** Steps that reboot, change configuration or write to devices: creating or changing them asks for a step-up. */
export function isDangerousStep(s: AutomationStep): boolean {
  return (
    s.type === 'reboot' ||
    s.type === 'config_override' ||
    s.type === 'enforce_template' ||
    s.type === 'rollout' ||
    (s.type === 'command' && s.name === 'reboot')
  );
}

export function timeoutOf(s: AutomationStep): number {
  if (s.type === 'wait' && s.forS !== undefined && s.until === undefined) return s.forS;
  return s.timeoutS ?? DEFAULT_TIMEOUT_S[s.type];
}

/** What a step's outcome leads to: by default a success continues, a failure or a timeout fails the device. */
export function actionFor(s: AutomationStep, outcome: StepOutcome): StepAction {
  const chosen = s.on?.[outcome];
  if (chosen) return chosen;
  return outcome === 'ok' ? 'continue' : 'fail';
}

export function checkSpec(input: AutomationChange): AutomationSpec {
  const { trigger, target, steps } = input;
  if (trigger.kind === 'cron') cronOf(trigger.cron, trigger.timezone, '/trigger');
  if (target.kind === 'trigger_device' && !DEVICE_TRIGGERS.has(trigger.kind))
    throw new ValidationError(`a ${trigger.kind} trigger names no device: target a group or a filter`, {
      path: '/target',
    });
  if (trigger.kind === 'alert' && !trigger.ruleId && !trigger.ruleType)
    throw new ValidationError('an alert trigger names a rule (ruleId) or a rule type (ruleType)', {
      path: '/trigger',
    });
  steps.forEach((s, i) => {
    if (s.type === 'wait' && s.forS === undefined && s.until === undefined)
      throw new ValidationError('a wait step needs forS (a duration) or until (a condition)', {
        path: `/steps/${i}`,
      });
    // An automation's document is stored as it is: a secret does not belong in it.
    if (s.type === 'config_override')
      for (const [key, v] of Object.entries(s.values))
        if (v && typeof v === 'object' && !Array.isArray(v) && '$secret' in v)
          throw new ValidationError(`setting "${key}": an automation cannot carry a secret; set it on the device`, {
            path: `/steps/${i}/values/${key}`,
          });
  });
  const g = input.guards ?? {};
  if (g.maintenanceWindow) cronOf(g.maintenanceWindow.cron, g.maintenanceWindow.timezone, '/guards/maintenanceWindow');
  if (g.maxConcurrent !== undefined && g.maxDevices !== undefined && g.maxConcurrent > g.maxDevices)
    throw new ValidationError('guards.maxConcurrent cannot exceed guards.maxDevices', {
      path: '/guards/maxConcurrent',
    });
  return {
    description: input.description ?? null,
    trigger,
    target,
    steps,
    guards: {
      ...g,
      maxDevices: g.maxDevices ?? 1000,
      maxConcurrent: g.maxConcurrent ?? 100,
      cooldownMin: g.cooldownMin ?? 60,
      // A run on the device that triggered it acts whatever its presence (an offline trigger is about
      // an offline device; commands wait for it); a run over a group skips who is away.
      offline: g.offline ?? (target.kind === 'trigger_device' ? 'proceed' : 'skip'),
    },
  };
}
