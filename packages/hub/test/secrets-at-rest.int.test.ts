import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub } from './support/test-hub.js';

/** Every file and folder under `dir` with its permission bits. */
function modes(dir: string, rel = ''): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const name of readdirSync(join(dir, rel))) {
    const child = rel ? `${rel}/${name}` : name;
    const st = statSync(join(dir, child));
    out.push([child, st.mode & 0o777]);
    if (st.isDirectory()) out.push(...modes(dir, child));
  }
  return out;
}

describe('secrets at rest', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'outpost-secrets-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a data directory others can read, then keeps every file private and the KEK outside', async () => {
    const dir = join(root, 'data');
    // An operator's directory made with the usual umask: the database used to be 0644 in it.
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    await assert.rejects(
      startTestHub({}, dir),
      /refusing to start: data directory .*data has mode 0755.*run: chmod 700 /,
    );
    chmodSync(dir, 0o700);
    const t = await startTestHub({}, dir);
    try {
      const open = modes(dir).filter(([path, mode]) => !path.endsWith('.log') && (mode & 0o077) !== 0);
      assert.deepEqual(open, [], 'nothing in the data directory is open to group or others');
      assert.equal(statSync(join(dir, 'outpost.db')).mode & 0o777, 0o600);
      assert.equal(existsSync(join(dir, 'kek')), false, 'no KEK inside the data directory');
      assert.equal(statSync(`${dir}.kek`).mode & 0o777, 0o600);
      assert.equal(existsSync(join(dir, 'pki', 'server.key')), false, 'no clear server key');
      assert.ok(existsSync(join(dir, 'pki', 'server.key.enc')));
      assert.match(t.logText(), /the KEK is in .*data\.kek, beside the data directory/);
    } finally {
      await t.stop();
    }
  });
});
