import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { SiemSink } from '@outpost/protocol';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { throwawayPki } from '../../hub/test/support/throwaway-pki.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('outpost siem sinks', () => {
  let t: TestHub;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-siem-'));
  let env: Record<string, string> = {};
  const cli = (...args: string[]) =>
    exec(process.execPath, [OUTPOST_MAIN, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 });

  before(async () => {
    t = await startTestHub();
    writeFileSync(join(dir, 'siem-ca.pem'), (await throwawayPki()).caPem);
    writeFileSync(join(dir, 'token.txt'), 'cli-bearer-token-0123456789abcdef\n');
    env = await cliEnvFor(t, dir, 'admin');
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds, lists, tests and removes sinks; the token stays sealed and a failed test says why', async () => {
    const port = await closedPort();
    const added = JSON.parse(
      (
        await cli(
          'siem',
          'sinks',
          'add',
          'soc',
          '--kind',
          'syslog-tls',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--ca',
          join(dir, 'siem-ca.pem'),
          '--server-name',
          'localhost',
          '--json',
        )
      ).stdout,
    ) as SiemSink;
    assert.equal(added.kind, 'syslog-tls');
    assert.ok(added.backlogTotal > 0, 'a sink from the beginning has the audit log as its backlog');
    await cli(
      'siem',
      'sinks',
      'add',
      'lake',
      '--kind',
      'https-jsonl',
      '--url',
      `https://localhost:${port}/in`,
      '--bearer-token-file',
      join(dir, 'token.txt'),
      '--start-at',
      'now',
    );
    const listed = (await cli('siem', 'sinks', 'list')).stdout;
    assert.match(listed, /soc\s+syslog-tls\s+127\.0\.0\.1:\d+/);
    assert.match(listed, /lake\s+https-jsonl\s+https:\/\/localhost/);
    assert.equal(listed.includes('cli-bearer-token'), false);
    const json = (await cli('siem', 'sinks', 'list', '--json')).stdout;
    assert.equal(json.includes('cli-bearer-token'), false);

    await assert.rejects(cli('siem', 'sinks', 'test', added.id), (e: { code: number; stdout: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stdout, /did not take the test event: .*ECONNREFUSED/);
      return true;
    });
    await assert.rejects(
      cli('siem', 'sinks', 'add', 'bad', '--kind', 'https-jsonl', '--url', 'http://localhost/in'),
      (e: { stderr: string }) => /validation_failed: config\.url must be https/.test(e.stderr),
    );
    await cli('siem', 'sinks', 'remove', added.id);
    const left = (await t.admin.siem.sinks.list()).items.map((s) => s.name);
    assert.deepEqual(left, ['lake']);
  });
});
