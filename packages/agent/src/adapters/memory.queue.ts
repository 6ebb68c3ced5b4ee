import type { DeviceEvent } from '@outpost/protocol';
import type { EventQueue } from '../core/ports.js';

/** An in-memory EventQueue with the same bounded, drop-oldest policy as the file queue. */
export function createMemoryQueue(max = 10_000): EventQueue {
  let items: DeviceEvent[] = [];
  let seq = 0;
  let dropped = 0;
  return {
    async append(e) {
      const ev = { ...e, seq: ++seq };
      items.push(ev);
      if (items.length > max) {
        dropped += items.length - max;
        items = items.slice(items.length - max);
      }
      return ev;
    },
    async peek(n) {
      return items.slice(0, n);
    },
    async ack(upTo) {
      items = items.filter((e) => e.seq > upTo);
    },
    size: () => items.length,
    takeDropped() {
      const d = dropped;
      dropped = 0;
      return d;
    },
  };
}
