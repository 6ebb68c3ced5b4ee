import type {
  AutomationGuards,
  AutomationStep,
  AutomationTarget,
  AutomationTrigger,
  ScheduleAction,
} from './routes/automations.schemas.js';

/** One version of an automation as stored; every change is a new version. */
export interface Automation {
  id: string;
  name: string;
  version: number;
  enabled: boolean;
  description: string | null;
  trigger: AutomationTrigger;
  target: AutomationTarget;
  steps: AutomationStep[];
  guards: AutomationGuards;
  /** The schedule this automation carries out, when it was made as one. */
  scheduleId: string | null;
  createdBy: string;
  updatedAt: string;
}

export type RunState = 'awaiting_approval' | 'running' | 'succeeded' | 'failed' | 'partial' | 'canceled';
export type RunDeviceState = 'queued' | 'waiting_online' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** One step's result on one device. */
export interface StepResult {
  index: number;
  type: AutomationStep['type'];
  outcome: 'ok' | 'failed' | 'timeout' | 'skipped';
  /** What the result led to (continue, skip_rest, fail). */
  action: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  commandId?: string;
  /** Kept output: a command's result, a diagnostic's stdout/stderr (bounded). */
  output?: unknown;
  reason?: string;
}

export interface AutomationRun {
  id: string;
  automationId: string;
  automationName: string;
  version: number;
  state: RunState;
  trigger: { kind: string; deviceId?: string; detail?: string };
  dryRun: boolean;
  startedBy: string;
  createdAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  /** For a dry run: the devices a run would touch, and those its guards would hold back (with why). */
  devices?: string[];
  skipped?: Array<{ deviceId: string; reason: string }>;
}

export interface AutomationRunDevice {
  runId: string;
  deviceId: string;
  state: RunDeviceState;
  stepIndex: number;
  reason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  steps: StepResult[];
}

export interface Schedule {
  id: string;
  name: string;
  action: ScheduleAction;
  at: string | null;
  cron: string | null;
  timezone: string | null;
  deviceId: string | null;
  group: string | null;
  filter: string | null;
  pickUpOffline: boolean;
  automationId: string;
  createdBy: string;
  createdAt: string;
}

export interface ScheduleOccurrence {
  at: string;
  scheduleId: string;
  name: string;
  action: ScheduleAction['type'];
  target: string;
}
