import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../storage/database.js';
import { openHubDatabase } from '../../hub-modules.js';
import { createRolloutMarkReads } from './rollout-marks.reads.js';

describe('rollout marks of one device (timeline)', () => {
  let dir: string;
  let db: Db;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-marks-'));
    db = await openHubDatabase(dir);
    const job = (id: string, device_id: string, state: string, updated_at: string) => ({
      id,
      // One job per rollout and device.
      rollout_id: `rol_${id}`,
      device_id,
      wave: 0,
      state,
      reason: state === 'failed' ? 'download_failed' : null,
      last_error: null,
      attempt: 1,
      dispatched_at: null,
      first_dispatched_at: null,
      next_attempt_at: null,
      deadline_at: null,
      bytes: 0,
      total: 0,
      from_version: null,
      revert_state: 'none',
      created_at: '2026-03-02T08:00:00.000Z',
      updated_at,
    });
    await db
      .insertInto('rollout_jobs')
      .values([
        job('j1', 'a', 'succeeded', '2026-03-02T10:00:00.000Z'),
        job('j2', 'a', 'failed', '2026-03-02T09:00:00.000Z'),
        job('j3', 'a', 'downloading', '2026-03-02T10:30:00.000Z'),
        job('j4', 'b', 'failed', '2026-03-02T10:00:00.000Z'),
        job('j5', 'a', 'rolled_back', '2026-03-01T10:00:00.000Z'),
      ])
      .execute();
  });
  after(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the jobs of the device that ended in the range, oldest first, and no running one', async () => {
    const marks = await createRolloutMarkReads(db).endedJobsOf(
      'a',
      '2026-03-02T00:00:00.000Z',
      '2026-03-03T00:00:00.000Z',
      10,
    );
    assert.deepEqual(marks, [
      { at: '2026-03-02T09:00:00.000Z', rolloutId: 'rol_j2', state: 'failed', reason: 'download_failed' },
      { at: '2026-03-02T10:00:00.000Z', rolloutId: 'rol_j1', state: 'succeeded', reason: null },
    ]);
  });

  it('keeps to the limit and the end of the range', async () => {
    const reads = createRolloutMarkReads(db);
    assert.equal((await reads.endedJobsOf('a', '2026-03-01T00:00:00.000Z', '2026-03-03T00:00:00.000Z', 1)).length, 1);
    assert.deepEqual(await reads.endedJobsOf('a', '2026-03-02T00:00:00.000Z', '2026-03-02T09:00:00.000Z', 10), []);
  });
});
