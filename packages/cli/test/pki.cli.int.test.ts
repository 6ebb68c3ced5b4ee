import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { enrollTestDevice } from '../../hub/test/support/devices.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

const root = resolve(import.meta.dirname, '../../..');

describe('outpost pki ca', { timeout: 120_000 }, () => {
  let t: TestHub;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-pki-'));
  let env: Record<string, string> = {};
  const outpost = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [OUTPOST_MAIN, ...args],
        { cwd: root, env: { ...process.env, ...env }, timeout: 60_000, encoding: 'utf8' },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );

  before(async () => {
    t = await startTestHub();
    env = await cliEnvFor(t, dir, 'admin');
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, rotates, refuses to retire a CA in use with the count, and retires it when forced', async () => {
    await enrollTestDevice(t, 'cli-pki-1');
    const listed = await outpost('pki', 'ca', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+STATE\s+LIVE\s+DEVICES\s+TLS/m);
    assert.match(listed.stdout, /^ca-1\s+active\s+1\s+1\s+yes/m);

    const rotated = await outpost('pki', 'ca', 'rotate', '--name', 'Plant CA 2');
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /^ca-2 \(Plant CA 2, [0-9a-f]{64}\) signs from now on/);
    const json = JSON.parse((await outpost('pki', 'ca', 'list', '--json')).stdout) as {
      items: Array<{ id: string; state: string }>;
      devicesOnRetiringCas: number;
    };
    assert.deepEqual(
      json.items.map((c) => [c.id, c.state]),
      [
        ['ca-1', 'retiring'],
        ['ca-2', 'active'],
      ],
    );
    assert.equal(json.devicesOnRetiringCas, 1);

    const refused = await outpost('pki', 'ca', 'retire', 'ca-1');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: ca_in_use: 1 live certificate\(s\) still depend on CA ca-1/m);
    const active = await outpost('pki', 'ca', 'retire', 'ca-2');
    assert.match(active.stderr, /^error: ca_active: CA ca-2 signs new certificates/m);

    const forced = await outpost('pki', 'ca', 'retire', 'ca-1', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.stdout.trim(), 'ca-1 retired; 1 live certificate(s) revoked (their devices must enroll again)');
    // The hub's TLS now comes from ca-2: the CA file the CLI was given no longer verifies it.
    const stale = await outpost('pki', 'ca', 'list');
    assert.equal(stale.code, 1);
    writeFileSync(join(dir, 'ca.pem'), t.hub.caPem);
    assert.match((await outpost('pki', 'ca', 'list')).stdout, /^ca-1\s+retired\s+0\s+0/m);
  });
});
