import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestBody } from '@outpost/protocol';
import { createAgentSelfUpdate } from './agent-self-update.js';
import { readAgentUpdate } from './agent-update-record.js';
import type { AgentReleases } from './installer.port.js';

const NOW_S = 2_000_000_000;

/** Releases in memory that note, with the record as it was, every move of `current`. */
function memoryReleases(dir: string) {
  const r = { current: '0.1.0', installed: ['0.1.0'], moves: [] as Array<{ to: string; recordState?: string }> };
  const releases: AgentReleases = {
    async unpack(_image, m) {
      r.installed.push(m.version);
    },
    async point(v) {
      if (!r.installed.includes(v)) throw new Error(`${v} is not installed`);
      r.moves.push({ to: v, recordState: readAgentUpdate(dir)?.state });
      r.current = v;
    },
    async prune(keep) {
      r.installed = r.installed.filter((v) => v === r.current || keep.includes(v));
    },
  };
  return { r, releases };
}

function setup(version: () => string) {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-self-update-'));
  const { r, releases } = memoryReleases(dir);
  let restarts = 0;
  const self = createAgentSelfUpdate({
    stateDir: dir,
    version,
    releases,
    restart: async () => void restarts++,
    nowS: () => NOW_S,
    durable: false,
  });
  return { dir, r, self, restarts: () => restarts, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const manifest = (version: string) => ({ version, kind: 'agent' }) as ManifestBody;

describe('the agent self-update', () => {
  it('records the pending update before current moves, and confirms it from the new version', async () => {
    let running = '0.1.0';
    const s = setup(() => running);
    try {
      await s.self.install({ length: 1, sha256: 'x' }, manifest('0.2.0'));
      await s.self.arm('job_1', '0.2.0', 300);
      assert.deepEqual(s.r.moves, [{ to: '0.2.0', recordState: 'pending' }]);
      assert.deepEqual(readAgentUpdate(s.dir), {
        state: 'pending',
        job: 'job_1',
        previous: '0.1.0',
        next: '0.2.0',
        deadline: NOW_S + 300,
        starts: 0,
        maxStarts: 3,
      });
      // The old version cannot confirm or roll back what it did not become.
      await s.self.confirm();
      await s.self.rollBack('health_check_failed');
      assert.equal(readAgentUpdate(s.dir)?.state, 'pending');
      running = '0.2.0';
      await s.self.confirm();
      assert.equal(readAgentUpdate(s.dir)?.state, 'confirmed');
      assert.deepEqual(s.r.installed, ['0.1.0', '0.2.0']);
    } finally {
      s.done();
    }
  });

  it('moves current back before the record says rolled back, and keeps the reason', async () => {
    let running = '0.1.0';
    const s = setup(() => running);
    try {
      await s.self.install({ length: 1, sha256: 'x' }, manifest('0.2.0'));
      await s.self.arm('job_1', '0.2.0', 300);
      running = '0.2.0';
      await s.self.rollBack('health_deadline');
      assert.deepEqual(s.r.moves.at(-1), { to: '0.1.0', recordState: 'pending' });
      assert.equal(readAgentUpdate(s.dir)?.state, 'rolled_back');
      assert.equal(readAgentUpdate(s.dir)?.reason, 'health_deadline');
      // A confirmation after the rollback changes nothing.
      await s.self.confirm();
      assert.equal(readAgentUpdate(s.dir)?.state, 'rolled_back');
    } finally {
      s.done();
    }
  });

  it('reverts a confirmed update only to the version it replaced, for that job', async () => {
    let running = '0.1.0';
    const s = setup(() => running);
    try {
      await s.self.install({ length: 1, sha256: 'x' }, manifest('0.2.0'));
      await s.self.arm('job_1', '0.2.0', 300);
      running = '0.2.0';
      assert.equal(await s.self.revert('job_1', '0.1.0'), false, 'not before it is confirmed');
      await s.self.confirm();
      assert.equal(await s.self.revert('job_2', '0.1.0'), false, 'another job');
      assert.equal(await s.self.revert('job_1', '0.0.9'), false, 'another version');
      assert.equal(await s.self.revert('job_1', '0.1.0'), true);
      assert.equal(s.r.current, '0.1.0');
      assert.equal(readAgentUpdate(s.dir)?.reason, 'reverted');
    } finally {
      s.done();
    }
  });
});
