import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DeviceEvent } from '@outpost/protocol';
import type { EventQueue } from '../core/ports.js';

/**
 * Events kept on disk until the hub acknowledges them, so a reboot or a week offline loses nothing.
 * Layout: `events.jsonl` (one event per line, append-only) and `acked` (highest acknowledged seq).
 * Policy when full (`max` events): the oldest are dropped and their number is reported as an
 * `agent.events_dropped` event, so the hub learns that a gap exists and how large it is.
 */
export function createFileQueue(dir: string, max = 10_000): EventQueue {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const journal = join(dir, 'events.jsonl');
  const ackFile = join(dir, 'acked');
  let acked = existsSync(ackFile) ? Number(readFileSync(ackFile, 'utf8')) || 0 : 0;
  let items = load();
  let seq = Math.max(acked, items.length ? items[items.length - 1].seq : 0);
  let dropped = 0;
  let acksSinceRewrite = 0;
  let fd = openSync(journal, 'a', 0o600);

  function load(): DeviceEvent[] {
    if (!existsSync(journal)) return [];
    const out: DeviceEvent[] = [];
    for (const line of readFileSync(journal, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as DeviceEvent;
        if (e.seq > acked) out.push(e);
      } catch {
        // A torn last line after power loss: everything before it is intact.
      }
    }
    return out;
  }

  function rewrite() {
    closeSync(fd);
    const tmp = `${journal}.tmp`;
    writeFileSync(tmp, items.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600 });
    renameSync(tmp, journal);
    fd = openSync(journal, 'a', 0o600);
  }

  return {
    async append(e) {
      const ev = { ...e, seq: ++seq } as DeviceEvent;
      writeSync(fd, JSON.stringify(ev) + '\n');
      fsyncSync(fd);
      items.push(ev);
      if (items.length > max) {
        dropped += items.length - max;
        items = items.slice(items.length - max);
        rewrite();
      }
      return ev;
    },
    async peek(n) {
      return items.slice(0, n);
    },
    async ack(upTo) {
      acked = Math.max(acked, upTo);
      const tmp = `${ackFile}.tmp`;
      writeFileSync(tmp, String(acked));
      renameSync(tmp, ackFile);
      items = items.filter((e) => e.seq > acked);
      // Compact when everything is delivered, or when acknowledged lines pile up in the journal.
      if (items.length === 0 || ++acksSinceRewrite >= 1000) {
        acksSinceRewrite = 0;
        rewrite();
      }
    },
    size: () => items.length,
    takeDropped() {
      const d = dropped;
      dropped = 0;
      return d;
    },
  };
}
