import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventQueueContract } from '../core/event-queue.contract.js';
import { createFileQueue } from './file.queue.js';
import { createMemoryQueue } from './memory.queue.js';

eventQueueContract({
  name: 'file',
  durable: true,
  async open(max) {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-queue-'));
    return {
      queue: createFileQueue(dir, max),
      reopen: () => createFileQueue(dir, max),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});

eventQueueContract({
  name: 'memory',
  durable: false,
  async open(max) {
    return { queue: createMemoryQueue(max), close: async () => undefined };
  },
});
