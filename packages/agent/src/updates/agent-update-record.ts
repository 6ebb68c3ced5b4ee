import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The record a self-update of the agent leaves in the state directory, read by two parties: the
// agent (both versions) and the launcher (packaging/outpost-agent-launcher.sh), which starts the
// agent under the service manager and is the one that can take back a version that exits before
// any of its code runs. It is `key=value` lines so the launcher reads it with `read` alone (never
// by sourcing it), and `launchDecision` below is the launcher's rule, which the launcher's test
// checks the shell script against, row by row.

export const AGENT_UPDATE_FILE = 'agent-update';
/** Starts a new version gets before the launcher gives up on it (its first start included). */
export const AGENT_UPDATE_MAX_STARTS = 3;

export type AgentUpdatePhase = 'pending' | 'confirmed' | 'rolled_back';

export interface AgentUpdateRecord {
  state: AgentUpdatePhase;
  /** The rollout job that installed `next`. */
  job: string;
  previous: string;
  next: string;
  /** Unix seconds: `next` must have reconnected and passed its health check by then. */
  deadline: number;
  /** How many times the launcher started `next` while pending. */
  starts: number;
  maxStarts: number;
  /** Why it was rolled back (`agent_start_failed`, `health_deadline`, `health_check_failed`). */
  reason?: string;
}

const VERSION = /^[0-9A-Za-z.+-]{1,64}$/;
const JOB = /^[0-9A-Za-z_-]{1,64}$/;
const REASON = /^[a-z_]{1,64}$/;
const COUNT = /^\d{1,10}$/;

/** Parses the record strictly; null when any line is missing or odd (the launcher then changes nothing). */
export function parseAgentUpdate(text: string): AgentUpdateRecord | null {
  const f = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 1) return null;
    f.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const state = f.get('state');
  if (state !== 'pending' && state !== 'confirmed' && state !== 'rolled_back') return null;
  const [job, previous, next, reason] = [f.get('job'), f.get('previous'), f.get('next'), f.get('reason')];
  const [deadline, starts, maxStarts] = [f.get('deadline'), f.get('starts'), f.get('max_starts')];
  if (!job || !JOB.test(job) || !previous || !VERSION.test(previous) || !next || !VERSION.test(next)) return null;
  if (![deadline, starts, maxStarts].every((n) => n !== undefined && COUNT.test(n))) return null;
  if (reason !== undefined && !REASON.test(reason)) return null;
  return {
    state,
    job,
    previous,
    next,
    deadline: Number(deadline),
    starts: Number(starts),
    maxStarts: Number(maxStarts),
    ...(reason ? { reason } : {}),
  };
}

export function formatAgentUpdate(r: AgentUpdateRecord): string {
  const lines = [
    `state=${r.state}`,
    `job=${r.job}`,
    `previous=${r.previous}`,
    `next=${r.next}`,
    `deadline=${r.deadline}`,
    `starts=${r.starts}`,
    `max_starts=${r.maxStarts}`,
    ...(r.reason ? [`reason=${r.reason}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** A new version installed and about to start: `next` runs on trial until it confirms or the deadline passes. */
export function pendingUpdate(o: {
  job: string;
  previous: string;
  next: string;
  nowS: number;
  deadlineS: number;
}): AgentUpdateRecord {
  return {
    state: 'pending',
    job: o.job,
    previous: o.previous,
    next: o.next,
    deadline: o.nowS + o.deadlineS,
    starts: 0,
    maxStarts: AGENT_UPDATE_MAX_STARTS,
  };
}

export type LaunchDecision =
  { action: 'start'; record: AgentUpdateRecord | null } | { action: 'roll_back'; record: AgentUpdateRecord };

/**
 * What the launcher does before it starts the agent: nothing without a pending update; with one,
 * count the start, or, once the new version used its starts or its deadline passed, point
 * `current` back at the previous version and record why. `record` is what to write (null: nothing).
 */
export function launchDecision(r: AgentUpdateRecord | null, nowS: number): LaunchDecision {
  if (!r || r.state !== 'pending') return { action: 'start', record: null };
  if (r.starts >= r.maxStarts)
    return { action: 'roll_back', record: { ...r, state: 'rolled_back', reason: 'agent_start_failed' } };
  if (nowS >= r.deadline)
    return { action: 'roll_back', record: { ...r, state: 'rolled_back', reason: 'health_deadline' } };
  return { action: 'start', record: { ...r, starts: r.starts + 1 } };
}

/** What a starting agent makes of the record for `jobId`: it runs on trial, was rolled back to, or neither. */
export function bootOf(
  r: AgentUpdateRecord | null,
  jobId: string,
  running: string,
): { trial: true; confirmed: boolean; deadline: number } | { trial: false; reason: string; message: string } {
  if (r?.job === jobId && r.next === running && (r.state === 'pending' || r.state === 'confirmed'))
    return { trial: true, confirmed: r.state === 'confirmed', deadline: r.deadline };
  const reason = r?.job === jobId ? (r.reason ?? 'agent_start_failed') : 'restart_interrupted';
  const messages: Record<string, string> = {
    agent_start_failed: `agent ${r?.next ?? 'update'} did not start; ${running} runs again`,
    health_deadline: `agent ${r?.next ?? 'update'} did not reconnect and pass its health check in time; ${running} runs again`,
    health_check_failed: `agent ${r?.next ?? 'update'} failed its health check; ${running} runs again`,
    restart_interrupted: `the restart into the new agent did not happen; ${running} runs`,
  };
  return { trial: false, reason, message: messages[reason] ?? `agent ${r?.next} was rolled back; ${running} runs` };
}

export function readAgentUpdate(stateDir: string): AgentUpdateRecord | null {
  try {
    return parseAgentUpdate(readFileSync(join(stateDir, AGENT_UPDATE_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Temporary file, fsync, rename: a power loss leaves the old record or the new one. */
export function writeAgentUpdate(stateDir: string, r: AgentUpdateRecord, durable = true): void {
  const file = join(stateDir, AGENT_UPDATE_FILE);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, formatAgentUpdate(r));
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
