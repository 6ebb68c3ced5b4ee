import type { Clock, Timer } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { emptyBatch, type IngestBatch } from './devices.types.js';

export interface IngestWriter {
  /** Adds to the next batch; the promise settles when that batch is committed. */
  add(fill: (b: IngestBatch) => void): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  pending(): number;
}

// Past this many operations a batch is written at once rather than on the timer.
const MAX_BATCH = 5000;

/**
 * Write-behind buffer for device traffic: many messages, one transaction. Batching is what
 * lets one SQLite file keep up with thousands of devices (one fsync per batch, not per message).
 */
export function createIngestWriter(opts: {
  write: (b: IngestBatch) => Promise<void>;
  flushMs: number;
  clock: Clock;
  logger: Logger;
}): IngestWriter {
  let batch = emptyBatch();
  let size = 0;
  let waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let timer: Timer | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  function schedule() {
    if (timer || closed) return;
    timer = opts.clock.after(opts.flushMs, flush);
  }

  function flush(): Promise<void> {
    timer?.cancel();
    timer = null;
    if (size === 0) return writing;
    const b = batch;
    const w = waiters;
    batch = emptyBatch();
    size = 0;
    waiters = [];
    writing = writing.then(async () => {
      try {
        await opts.write(b);
        for (const x of w) x.resolve();
      } catch (err) {
        opts.logger.error({ err }, 'device ingest batch failed');
        for (const x of w) x.reject(err);
      }
    });
    return writing;
  }

  return {
    add(fill) {
      if (closed) return Promise.reject(new Error('ingest writer closed'));
      fill(batch);
      size++;
      const p = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      if (size >= MAX_BATCH) void flush();
      else schedule();
      return p;
    },
    flush,
    async close() {
      await flush();
      closed = true;
    },
    pending: () => size,
  };
}
