import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedManifest, UpdateStatusMessage } from '@outpost/protocol';
import type { FeatureContext } from '../core/feature.js';
import { createJobRunner, type JobRunnerDeps } from './update-job.js';
import { createUpdateState, type JobRecord } from './update-state.js';

const manifest = { signed: { length: 10, name: 'fw', version: '2.0.0' } } as unknown as SignedManifest;
const job: JobRecord = {
  jobId: 'job-1',
  rolloutId: 'r-1',
  attempt: 1,
  manifest,
  url: 'https://hub-a/artifacts/1',
  healthDeadlineS: 60,
  state: 'downloading',
  fromVersion: '1.0.0',
};

describe('the update job runner', () => {
  it('reports under the attempt the hub re-sent while a step ran, not the one the step began with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-update-job-'));
    try {
      const state = createUpdateState(dir, null, false);
      const sent: UpdateStatusMessage[] = [];
      const ctx = {
        online: () => true,
        clock: { now: () => 1_000 },
        publish: async (_suffix: string, payload: unknown) => void sent.push(payload as UpdateStatusMessage),
        emit: async () => undefined,
      } as unknown as FeatureContext;
      const runner = createJobRunner({ state, ctx: () => ctx } as unknown as JobRunnerDeps);
      await state.setJob(job);
      // The download runs with attempt 1; meanwhile the hub re-sends the job as attempt 2 from another replica.
      await state.setJob({ ...job, attempt: 2, url: 'https://hub-b/artifacts/1' });
      const next = await runner.report(job, { state: 'downloaded', bytes: 10 });
      assert.equal(sent.at(-1)?.attempt, 2);
      assert.equal(sent.at(-1)?.state, 'downloaded');
      assert.equal(next.url, 'https://hub-b/artifacts/1');
      assert.equal(state.job()?.attempt, 2);
      // An older stored attempt never lowers the one a step reports.
      await runner.report({ ...next, attempt: 3 }, { state: 'installing' });
      assert.equal(sent.at(-1)?.attempt, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
