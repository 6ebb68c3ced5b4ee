import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatAgentUpdate, readAgentUpdate, type AgentUpdateRecord } from './agent-update-record.js';
import { LAUNCH_ROWS, NOW_S, pending } from './agent-update-record.fixture.js';

// The shell launcher the service manager runs, checked row by row against launchDecision's table.
const LAUNCHER = resolve(import.meta.dirname, '../../packaging/outpost-agent-launcher.sh');

function install(work: string) {
  const lib = join(work, 'lib');
  for (const v of ['0.1.0', '0.2.0']) {
    mkdirSync(join(lib, v), { recursive: true });
    writeFileSync(
      join(lib, v, 'outpost-agent.cjs'),
      `process.stdout.write(JSON.stringify({ version: ${JSON.stringify(v)}, argv: process.argv.slice(2), lib: process.env.OUTPOST_AGENT_LIB }))`,
    );
  }
  symlinkSync('0.2.0', join(lib, 'current'));
  const launcher = join(work, 'outpost-agent');
  const text = readFileSync(LAUNCHER, 'utf8').replace('@NODE@', process.execPath).replace('@LIB@', lib);
  writeFileSync(launcher, text, { mode: 0o755 });
  const state = join(work, 'state');
  mkdirSync(state);
  return { lib, launcher, state };
}

// The table's clock is fixed; the shell reads the real one, so deadlines move by the difference.
const shift = (r: AgentUpdateRecord | null, by: number) => (r ? { ...r, deadline: r.deadline + by } : null);

describe('the agent launcher', () => {
  for (const row of LAUNCH_ROWS)
    it(row.name, () => {
      const work = mkdtempSync(join(tmpdir(), 'outpost-launcher-'));
      try {
        const { lib, launcher, state } = install(work);
        const by = Math.floor(Date.now() / 1000) - NOW_S;
        const given = shift(row.record, by);
        if (given) writeFileSync(join(state, 'agent-update'), formatAgentUpdate(given));
        const r = spawnSync(launcher, ['run', '--dir', state, '--health-interval', '5'], {
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin' },
        });
        assert.equal(r.status, 0, r.stderr);
        const ran = JSON.parse(r.stdout) as { version: string; argv: string[]; lib: string };
        const back = row.expect.action === 'roll_back';
        assert.equal(ran.version, back ? '0.1.0' : '0.2.0');
        assert.deepEqual(ran.argv, ['run', '--dir', state, '--health-interval', '5']);
        assert.equal(ran.lib, lib);
        assert.equal(readlinkSync(join(lib, 'current')), back ? '0.1.0' : '0.2.0');
        assert.deepEqual(readAgentUpdate(state), shift(row.expect.record, by) ?? given);
        if (back) assert.match(r.stderr, /agent 0\.2\.0 rolled back to 0\.1\.0/);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });

  it('leaves an unreadable record alone and does not roll back where the previous version is missing', () => {
    const work = mkdtempSync(join(tmpdir(), 'outpost-launcher-'));
    try {
      const { lib, launcher, state } = install(work);
      const env = { PATH: '/usr/bin:/bin' };
      writeFileSync(join(state, 'agent-update'), formatAgentUpdate(pending()).replace('starts=0', 'starts=x'));
      const odd = spawnSync(launcher, ['run', `--dir=${state}`], { encoding: 'utf8', env });
      assert.match(odd.stderr, /agent-update is unreadable: left as it is/);
      assert.equal(JSON.parse(odd.stdout).version, '0.2.0');
      writeFileSync(join(state, 'agent-update'), formatAgentUpdate(pending({ previous: '0.0.9', starts: 3 })));
      const gone = spawnSync(launcher, ['run', '--dir', state], { encoding: 'utf8', env });
      assert.match(gone.stderr, /0\.0\.9 is not installed .*nothing to go back to/);
      assert.equal(readlinkSync(join(lib, 'current')), '0.2.0');
      // Other commands pass straight through without looking at the record.
      const v = spawnSync(launcher, ['version'], { encoding: 'utf8', env });
      assert.deepEqual(JSON.parse(v.stdout).argv, ['version']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
