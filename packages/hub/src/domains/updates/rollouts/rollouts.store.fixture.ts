// Rows for the rollouts store contract suites.
import type { JobRow, RolloutRow } from './rollouts.store.js';

export const rolloutRow = (over: Partial<RolloutRow> = {}): RolloutRow => ({
  id: 'rol_1',
  name: 'Pump firmware 1.2.0',
  artifact_id: 'art_1',
  target_json: '{"group":"plant"}',
  options_json: '{"waves":[1,10],"failureThreshold":0.1}',
  state: 'scheduled',
  current_wave: -1,
  reason: null,
  created_by: 'ann',
  created_at: '2026-03-02T10:00:00.000Z',
  start_at: null,
  started_at: null,
  finished_at: null,
  deadline: null,
  state_changed_at: '2026-03-02T10:00:00.000Z',
  rollback_state: 'none',
  ...over,
});

export const jobRow = (id: string, deviceId: string, wave: number, over: Partial<JobRow> = {}): JobRow => ({
  id,
  rollout_id: 'rol_1',
  device_id: deviceId,
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
  from_version: '1.1.0',
  revert_state: 'none',
  created_at: '2026-03-02T10:00:00.000Z',
  updated_at: '2026-03-02T10:00:00.000Z',
  ...over,
});
