import type { AutomationStep, StepOutcome } from '@outpost/protocol';
import type { Actor } from '../audit/index.js';
import type { AutomationSpec } from './automation-spec.js';
import type { RunDeviceRow } from './automations.store.js';

// What every kind of step shares: the run it belongs to and the step runner's moves.

export interface RunContext {
  runId: string;
  automationId: string;
  automationName: string;
  version: number;
  spec: AutomationSpec;
  actor: Actor;
}

export interface StepHelpers {
  /** Ends the current step with `outcome`; false when another mover ended it first. */
  finish(
    ctx: RunContext,
    row: RunDeviceRow,
    outcome: StepOutcome,
    extra?: { output?: unknown; reason?: string; commandId?: string },
  ): Promise<boolean>;
  /** Claims the step's start (written before anything leaves the hub); null when another mover did. */
  claim(
    row: RunDeviceRow,
    stage: 'sent' | 'waiting',
    ref: string | null,
    timeoutS: number,
  ): Promise<RunDeviceRow | null>;
  /** Ends a step this hub cannot carry out, with that reason. */
  finishUnavailable(ctx: RunContext, row: RunDeviceRow, step: AutomationStep): Promise<void>;
  /** Steps under way on this hub: a `sent` one not here was cut by a restart. */
  inFlight: Set<string>;
}
