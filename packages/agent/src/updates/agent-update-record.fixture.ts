import type { AgentUpdateRecord, LaunchDecision } from './agent-update-record.js';

// The launcher's rule as a table: the TypeScript rule (launchDecision) and the shell launcher
// (packaging/outpost-agent-launcher.sh) are both checked against it.
export const NOW_S = 2_000_000_000;

export const pending = (o: Partial<AgentUpdateRecord> = {}): AgentUpdateRecord => ({
  state: 'pending',
  job: 'job_1',
  previous: '0.1.0',
  next: '0.2.0',
  deadline: NOW_S + 300,
  starts: 0,
  maxStarts: 3,
  ...o,
});

export const LAUNCH_ROWS: Array<{ name: string; record: AgentUpdateRecord | null; expect: LaunchDecision }> = [
  { name: 'no record: start, write nothing', record: null, expect: { action: 'start', record: null } },
  {
    name: 'confirmed: start, write nothing',
    record: pending({ state: 'confirmed', starts: 1 }),
    expect: { action: 'start', record: null },
  },
  {
    name: 'rolled back: start, write nothing',
    record: pending({ state: 'rolled_back', starts: 3, reason: 'agent_start_failed' }),
    expect: { action: 'start', record: null },
  },
  {
    name: 'first start of the new version is counted',
    record: pending(),
    expect: { action: 'start', record: pending({ starts: 1 }) },
  },
  {
    name: 'the last allowed start is counted',
    record: pending({ starts: 2 }),
    expect: { action: 'start', record: pending({ starts: 3 }) },
  },
  {
    name: 'starts used up: roll back',
    record: pending({ starts: 3 }),
    expect: { action: 'roll_back', record: pending({ starts: 3, state: 'rolled_back', reason: 'agent_start_failed' }) },
  },
  {
    name: 'deadline passed: roll back',
    record: pending({ starts: 1, deadline: NOW_S }),
    expect: {
      action: 'roll_back',
      record: pending({ starts: 1, deadline: NOW_S, state: 'rolled_back', reason: 'health_deadline' }),
    },
  },
  {
    name: 'before the deadline: start',
    record: pending({ starts: 1, deadline: NOW_S + 30 }),
    expect: { action: 'start', record: pending({ starts: 2, deadline: NOW_S + 30 }) },
  },
];
