import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { spawnConsole, type ConsoleProcess } from './console-pty.js';

const missing = ['script', 'stty'].find((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

/** A console at this size, and a stop that leaves the shell and waits for the console to be gone. */
function start(size: { cols: number; rows: number }): ConsoleProcess & { stop(): Promise<void> } {
  const c = spawnConsole({ command: '/bin/sh' }, size);
  // A hung-up pty ends its stream early; the relay handles that error, here it is expected.
  c.stream.on('error', () => undefined);
  const closed = new Promise<void>((r) => c.stream.once('close', () => r()));
  return {
    ...c,
    async stop() {
      c.stream.write('exit\n');
      const hangUp = setTimeout(() => c.kill(), 2000);
      await closed;
      clearTimeout(hangUp);
    },
  };
}

/** Everything the console printed, and a wait for the next `stty size` answer ("ROWS COLS") after a given offset. */
function reader(c: ConsoleProcess) {
  let out = '';
  const waiters: Array<() => void> = [];
  c.stream.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    waiters.splice(0).forEach((w) => w());
  });
  const until = async (test: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out; the console printed ${JSON.stringify(out)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 500).unref();
      });
    }
  };
  return {
    text: () => out,
    until,
    /** Asks the shell for its size until it answers `want` (at most `tries` times): a resize may land a moment after the shell starts. */
    async sizeBecomes(want: string, tries = 20) {
      await until(() => /[#$] $/.test(out));
      for (let i = 0; i < tries; i++) {
        const from = out.length;
        c.stream.write('stty size\n');
        await until(() => /\r\n(\d+ \d+)\r\n/.test(out.slice(from)));
        const got = /\r\n(\d+ \d+)\r\n/.exec(out.slice(from))![1];
        if (got === want) return got;
        await until(() => /[#$] $/.test(out.slice(from)));
      }
      return /.*\r\n(\d+ \d+)\r\n/s.exec(out)?.[1];
    },
  };
}

describe('console on a pty: resizes', { skip: missing ? `${missing} is not installed` : false }, () => {
  it('starts at the size asked for', async () => {
    const c = start({ cols: 100, rows: 30 });
    try {
      assert.equal(await reader(c).sizeBecomes('30 100', 1), '30 100');
    } finally {
      await c.stop();
    }
  });

  it('keeps a resize that comes while the console is still starting, whenever it comes', async () => {
    for (const delayMs of [0, 1, 2, 3, 5, 10]) {
      const c = start({ cols: 100, rows: 30 });
      try {
        const r = reader(c);
        if (delayMs) await new Promise((res) => setTimeout(res, delayMs));
        c.resize(120, 40);
        // The latest size wins when several arrive before the shell runs.
        c.resize(90, 20);
        assert.equal(await r.sizeBecomes('20 90'), '20 90', `resize ${delayMs} ms after the start`);
      } finally {
        await c.stop();
      }
    }
  });

  it('resizes a running shell at once', async () => {
    const c = start({ cols: 80, rows: 24 });
    try {
      const r = reader(c);
      assert.equal(await r.sizeBecomes('24 80', 1), '24 80');
      c.resize(132, 43);
      assert.equal(await r.sizeBecomes('43 132', 1), '43 132');
    } finally {
      await c.stop();
    }
  });
});
