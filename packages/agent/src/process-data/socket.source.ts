import { createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import type { Clock } from '../core/ports.js';
import type { SocketSourceConfig } from './data-config.js';
import type { DataSource, Sample } from './data-sample.js';
import { LineRate, LineSplitter, parseValueLine } from './value-lines.js';
import { valueDefs } from './value-points.js';

const MAX_CONNECTIONS = 16;
// A client that never reads its error lines is cut off rather than buffered for.
const MAX_UNREAD_REPLIES = 64 * 1024;

/**
 * A local socket (Unix path, or TCP on 127.0.0.1 only) where applications on the device send
 * values as newline-delimited JSON. Lines are bounded in length and rate (shared by all
 * connections); a bad line gets `{"error": code, "message": …}` back and changes nothing.
 */
export function createSocketSource(c: SocketSourceConfig, clock: Clock): DataSource & { address(): string } {
  const points = new Map(c.points.map((p) => [p.p, p]));
  const name = c.path ? `socket ${c.path}` : `socket 127.0.0.1:${c.port}`;
  const rate = new LineRate(c.maxLinesPerSecond ?? 100, clock.now());
  const sockets = new Set<Socket>();
  let server: Server | null = null;

  function serve(s: Socket, emit: (x: Sample[]) => void) {
    if (sockets.size >= MAX_CONNECTIONS) return s.destroy();
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    const lines = new LineSplitter(c.maxLineBytes ?? 4096);
    const reply = (error: string, message: string) => {
      if (s.writableLength > MAX_UNREAD_REPLIES) return s.destroy();
      s.write(`${JSON.stringify({ error, message })}\n`);
    };
    s.on('data', (chunk: Buffer) => {
      const good: Sample[] = [];
      for (const item of lines.push(chunk)) {
        if (!('line' in item)) {
          reply('line_too_long', `lines are at most ${c.maxLineBytes ?? 4096} bytes`);
          continue;
        }
        const now = clock.now();
        if (!rate.take(now)) {
          reply('rate_limited', `at most ${c.maxLinesPerSecond ?? 100} lines per second`);
          continue;
        }
        const v = parseValueLine(item.line, points, now);
        if (v.ok) good.push(v.sample);
        else reply(v.error, v.message);
      }
      if (good.length) emit(good);
    });
  }

  return {
    name,
    defs: () => valueDefs(c.points, name),
    async start(emit) {
      if (c.path) await rm(c.path, { force: true });
      const srv = createServer((s) => serve(s, emit));
      server = srv;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        if (c.path) srv.listen(c.path, resolve);
        else srv.listen(c.port, '127.0.0.1', resolve);
      });
    },
    address() {
      const a = server?.address();
      return typeof a === 'string' ? a : a ? `127.0.0.1:${a.port}` : '';
    },
    async stop() {
      for (const s of sockets) s.destroy();
      const srv = server;
      server = null;
      if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}
