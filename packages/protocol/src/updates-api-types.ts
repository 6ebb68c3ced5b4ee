import type { ArtifactKind, JobState, SignedManifest } from './updates-messages.js';

/** An artifact as the API returns it. `sha256`/`length` are null until the content is uploaded. */
export interface ArtifactRecord {
  id: string;
  name: string;
  version: string;
  kind: ArtifactKind;
  sha256: string | null;
  length: number | null;
  models: string[];
  minVersion: string | null;
  releaseNotes: string;
  manifest: SignedManifest | null;
  createdBy: string;
  createdAt: string;
  uploadedAt: string | null;
}

export type RolloutState = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'aborted' | 'canceled';

/** One wave: an absolute count (a canary) or a cumulative share of the target. */
export interface WaveSpec {
  count?: number;
  percent?: number;
}

export interface RolloutOptions {
  waves: WaveSpec[];
  /** Share of a wave's devices (skipped ones excluded) that must succeed before the next wave starts. */
  successThresholdPct: number;
  advance: 'auto' | 'approval';
  /** Abort when failures (failed + rolled back) reach this count, or this share of started devices. */
  abortFailures?: number;
  abortFailurePct?: number;
  maxInFlight: number;
  deviceTimeoutS: number;
  retries: { max: number; baseS: number; capS: number };
  /** Work is dispatched only inside the window: a cron for its start, a length and a time zone. */
  maintenanceWindow?: { cron: string; durationMin: number; timezone: string };
  /** Devices sent the job per minute. */
  ratePerMinute?: number;
  healthDeadlineS: number;
  /** On abort, send devices that succeeded back to their previous slot. */
  rollbackOnAbort: boolean;
}

export interface RolloutInput extends Partial<RolloutOptions> {
  name: string;
  artifactId: string;
  target: { group?: string; filter?: string };
  startAt?: string;
  deadline?: string;
  /** false keeps it a draft until `start`. */
  start?: boolean;
  /** A code from the caller's authenticator, when MFA is enrolled and not proved in the last 5 minutes. */
  otp?: string;
}

export interface WaveStatus {
  idx: number;
  size: number;
  /** `aborted` / `canceled`: the rollout stopped before this wave passed. */
  state: 'pending' | 'running' | 'awaiting_approval' | 'passed' | 'aborted' | 'canceled';
  startedAt: string | null;
  passedAt: string | null;
  approvedBy: string | null;
  counts: Partial<Record<JobState, number>>;
}

/** What a rollout would do, computed before anything is created or sent. */
export interface RolloutPreview {
  artifact: { name: string; version: string; kind: string };
  /** Devices the target matches now. */
  total: number;
  /** Would get the job now. */
  willUpdate: number;
  /** Never said hello, so their model is unknown: they wait for it. */
  waiting: number;
  /**
   * Skipped before dispatch, by reason (incompatible_model, already_on_version, newer_version, below_min_version,
   * no_trust_root, trust_root_unreachable, trust_root_unknown); each device's `detail` says what fixes it.
   */
  skipped: Record<string, number>;
  /** Devices per wave, in order. */
  waves: number[];
  /** Up to 200 devices with their planned outcome; `truncated` says when there are more. */
  devices: Array<{ id: string; outcome: 'update' | 'waiting' | 'skipped'; reason?: string; detail?: string }>;
  truncated: boolean;
}

export interface RolloutRecord {
  id: string;
  name: string;
  artifactId: string;
  artifact?: { name: string; version: string; kind: ArtifactKind };
  target: { group?: string; filter?: string };
  options: RolloutOptions;
  state: RolloutState;
  currentWave: number;
  reason: string | null;
  createdBy: string;
  createdAt: string;
  startAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  deadline: string | null;
  rollbackState: 'none' | 'pending' | 'done';
  counts: Partial<Record<JobState, number>>;
  total: number;
  waves: WaveStatus[];
  /**
   * The maintenance window now, as the hub's clock sees it (null: the rollout has none). While a
   * running rollout's window is closed nothing is sent: it waits for `opensAt`.
   */
  window: MaintenanceWindowState | null;
}

export interface MaintenanceWindowState {
  open: boolean;
  /** When the next window opens (when closed). */
  opensAt: string | null;
  /** Seconds from the answer to `opensAt`, by the hub's clock. */
  opensInS: number | null;
  /** When the open window closes (when open). */
  closesAt: string | null;
}

export interface JobTransition {
  at: string;
  state: string;
  attempt: number;
  reason: string | null;
  detail: string | null;
}

export interface RolloutJobRecord {
  id: string;
  rolloutId: string;
  deviceId: string;
  wave: number;
  state: JobState;
  reason: string | null;
  lastError: string | null;
  attempt: number;
  bytes: number;
  total: number;
  fromVersion: string | null;
  revertState: string;
  dispatchedAt: string | null;
  updatedAt: string;
  history?: JobTransition[];
}
