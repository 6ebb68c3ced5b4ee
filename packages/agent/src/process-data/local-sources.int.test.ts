import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realClock } from '../core/ports.js';
import { createCommandSource } from './command.source.js';
import { createSocketSource } from './socket.source.js';
import type { Sample } from './data-sample.js';

async function firstRun(
  argv: string[],
  points: Array<{ p: string; type?: 'number' | 'boolean' | 'string' }>,
  timeoutMs = 5000,
) {
  const src = createCommandSource({ kind: 'command', argv, timeoutMs, intervalMs: 60_000, points }, realClock);
  // The agent's timers do not hold the process open; this one does while the test waits.
  const hold = setInterval(() => undefined, 1000);
  const got = await new Promise<Sample[]>((resolve) => void src.start(resolve));
  clearInterval(hold);
  await src.stop();
  return Object.fromEntries(got.map((s) => [s.p, [s.v, s.q, s.r ?? null]]));
}

describe('local data sources', () => {
  it('reads a command’s JSON, marking partly invalid output uncertain and failures bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-data-cmd-'));
    try {
      const script = (name: string, body: string) => {
        const f = join(dir, name);
        writeFileSync(f, `#!/bin/sh\n${body}\n`);
        chmodSync(f, 0o755);
        return f;
      };
      const pts = [{ p: 'temp' }, { p: 'door', type: 'boolean' as const }];
      assert.deepEqual(await firstRun([script('ok', `echo '{"temp": 21.5, "door": false}'`)], pts), {
        temp: [21.5, 'good', null],
        door: [false, 'good', null],
      });
      assert.deepEqual(await firstRun([script('partial', `echo '{"temp": 21.5, "door": "open", "x": 1}'`)], pts), {
        temp: [21.5, 'uncertain', 'partial-output'],
        door: [null, 'bad', 'wrong-type'],
      });
      assert.deepEqual(await firstRun([script('missing', `echo '{"temp": 3}'`)], pts), {
        temp: [3, 'good', null],
        door: [null, 'bad', 'missing'],
      });
      assert.deepEqual((await firstRun([script('garbage', 'echo not json')], pts)).temp, [null, 'bad', 'bad-output']);
      assert.deepEqual((await firstRun([script('fails', 'exit 3')], pts)).temp, [null, 'bad', 'exit-3']);
      assert.deepEqual((await firstRun([script('slow', 'sleep 5')], pts, 200)).temp, [null, 'bad', 'timeout']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes good lines on the local socket and answers bad ones with an error line, changing nothing', async () => {
    const { freePort } = await import('./data-peers.fixture.js');
    const port = await freePort();
    const live = createSocketSource({ kind: 'socket', port, maxLineBytes: 64, points: [{ p: 'level' }] }, realClock);
    const got: Sample[] = [];
    await live.start((s) => got.push(...s));
    try {
      const sock = connect(port, '127.0.0.1');
      const replies: string[] = [];
      let buf = '';
      sock.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        const parts = buf.split('\n');
        buf = parts.pop()!;
        replies.push(...parts);
      });
      sock.write('{"p":"level","v":2.5}\nnope\n{"p":"other","v":1}\n{"p":"level","v":"x"}\n' + 'y'.repeat(100) + '\n');
      const end = Date.now() + 10_000;
      while (replies.length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        replies.map((r) => (JSON.parse(r) as { error: string }).error),
        ['bad_json', 'unknown_point', 'wrong_type', 'line_too_long'],
      );
      assert.deepEqual(
        got.map((s) => [s.p, s.v, s.q]),
        [['level', 2.5, 'good']],
      );
      sock.destroy();
    } finally {
      await live.stop();
    }
  });
});
