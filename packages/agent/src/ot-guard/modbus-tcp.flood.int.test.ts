import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

// Back-pressure: masters flood a guard (in its own process) in front of a PLC that accepts
// and never reads. One flood is of allowed reads, the other of blocked writes whose exception
// replies the master never reads. What the guard holds must stay under a fixed bound.
//
// The bound on bytes held (socket write buffers, sampled by the guard every 50 ms): per
// connection, the buffered-bytes limit (1 MiB) plus what one read chunk (64 KiB) may add
// before the check closes it, on each of the two sides, for each of the four masters. The
// guard's resident memory is reported and held to its idle size plus 192 MiB, a backstop
// only: V8 grows its heap under load before it collects, so RSS moves by tens of MiB either way
// within seconds, while the bytes held grow without end when nothing pushes back.

const CHILD = fileURLToPath(new URL('./guard-flood.child.ts', import.meta.url));
const FLOOD_MS = 6_000;
const MASTERS = 4;
const MIB = 1024 * 1024;
const HELD_BOUND = MASTERS * 2 * (MIB + 64 * 1024);

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

// About 1 MB of pipelined requests to one unit, written again and again.
function burst(unit: number, pdu: number[]): Buffer {
  const one = (tid: number) => Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, unit, ...pdu]);
  return Buffer.concat(Array.from({ length: Math.ceil(1e6 / (pdu.length + 7)) }, (_, i) => one(i & 0xffff)));
}

// Write Multiple Registers, 123 registers: the largest request, 260 bytes.
const WRITE_123 = [16, 0, 0, 0, 123, 246, ...new Array<number>(246).fill(0x55)];

// A master that writes as fast as its own socket lets it, reconnecting when the guard closes it,
// and never reads what comes back.
function flood(port: number, unit: number, pdu: number[], untilMs: number): Promise<number> {
  return new Promise((resolve) => {
    let connections = 0;
    const open = (): void => {
      if (Date.now() >= untilMs) return resolve(connections);
      connections++;
      const s = net.connect({ host: '127.0.0.1', port });
      s.pause();
      const bytes = burst(unit, pdu);
      const pump = (): void => {
        while (Date.now() < untilMs && !s.destroyed) {
          if (!s.write(bytes)) return void s.once('drain', pump);
        }
        s.destroy();
      };
      // A master the guard no longer reads from waits for 'drain' until the flood ends.
      const stop = setTimeout(() => s.destroy(), Math.max(0, untilMs - Date.now()));
      s.on('connect', pump);
      s.on('error', () => undefined);
      s.on('close', () => {
        clearTimeout(stop);
        setTimeout(open, 20);
      });
    };
    open();
  });
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
}

describe('guard under a flood towards a stalled PLC', () => {
  let plc: net.Server;
  const stalled = new Set<net.Socket>();
  let child: ChildProcess;
  let port = 0;
  const lines: string[] = [];

  before(async () => {
    plc = net.createServer((s) => {
      s.pause(); // accepts and never reads
      stalled.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => plc.listen(0, '127.0.0.1', () => r()));
    const plcPort = (plc.address() as net.AddressInfo).port;
    child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', CHILD, String(plcPort)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
    });
    await until(() => lines.length > 0, 60_000);
    port = Number(lines[0]);
    assert.ok(port > 0, 'the guard started');
  });

  after(async () => {
    child?.stdin?.end();
    if (child?.exitCode === null) child.kill('SIGKILL');
    for (const s of stalled) s.destroy();
    await new Promise((r) => plc?.close(r));
  });

  // Large writes fill the PLC's side: the guard stops reading from the master. Thousands of
  // small reads pipelined in one read go past the requests-in-flight bound: the guard closes
  // the connection with a guard.overload event. Blocked requests are answered by the guard
  // itself; a master that does not read the answers is no longer read from.
  for (const [name, unit, pdu, overloadLimit] of [
    ['allowed register writes', 1, WRITE_123, undefined],
    ['allowed reads, thousands pipelined', 1, [3, 0, 0, 0, 10], 'requests_in_flight'],
    ['reads of a unit the policy refuses, whose exceptions are never read', 2, [3, 0, 0, 0, 1], undefined],
  ] as const) {
    test(`${name}: what the guard holds stays bounded`, async (t) => {
      const pid = child.pid ?? 0;
      await new Promise((r) => setTimeout(r, 500));
      const from = lines.length;
      const idle = rssOf(pid);
      const rssBound = idle + 192 * MIB;
      let peak = idle;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 100);
      const end = Date.now() + FLOOD_MS;
      try {
        const conns = await Promise.all(Array.from({ length: MASTERS }, () => flood(port, unit, [...pdu], end)));
        const seen = lines.slice(from).map((l) => JSON.parse(l) as { type: string; bytes?: number; limit?: string });
        const held = Math.max(0, ...seen.map((e) => e.bytes ?? 0));
        t.diagnostic(
          `held at most ${(held / MIB).toFixed(2)} MiB (bound ${(HELD_BOUND / MIB).toFixed(2)}); RSS idle ${(idle / MIB).toFixed(0)} MiB, peak ${(peak / MIB).toFixed(0)} MiB; ${conns.join('+')} connections`,
        );
        assert.ok(held < HELD_BOUND, `held ${held} bytes, over ${HELD_BOUND}`);
        assert.ok(peak < rssBound, `peak RSS ${(peak / MIB).toFixed(0)} MiB over ${(rssBound / MIB).toFixed(0)} MiB`);
        if (overloadLimit) {
          const overload = seen.find((e) => e.type === 'guard.overload');
          assert.equal(overload?.limit, overloadLimit, 'the guard said why it closed a connection');
        }
      } finally {
        clearInterval(sampler);
      }
    });
  }
});
