import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DataDropped, DataValue } from '@outpost/protocol';

// Store and forward: every sealed batch of values is a file in the agent's state directory until
// the hub acknowledges it, so a batch survives the link being down and the agent restarting, and
// memory holds only an index entry per batch. Files: `b-<seq>-<count>-<from>-<to>.json` (what is
// needed to report a drop is in the name), `seq` (the next sequence number), `dropped.json`
// (a drop not yet reported). When a bound is reached the oldest batches are deleted and the next
// batch sealed carries `dropped {count, from, to}`: the hub always learns of the gap.

export interface StoredBatch {
  seq: number;
  values: DataValue[];
  dropped?: DataDropped;
}

interface Entry {
  seq: number;
  count: number;
  from: number;
  to: number;
  bytes: number;
  file: string;
}

export interface BatchQueueOptions {
  dir: string;
  /** Most bytes of batches kept (default 64 MiB). */
  maxBytes?: number;
  /** Most batches kept (default 20,000). */
  maxBatches?: number;
}

export interface BatchQueue {
  /** Writes a batch (synced to disk) with the next sequence number; returns it and any drop it made. */
  seal(values: DataValue[]): { seq: number; droppedNow?: DataDropped };
  /** The oldest batch kept (read from disk), or undefined when all were delivered. */
  first(): StoredBatch | undefined;
  /** The hub has this batch: it is deleted. */
  ack(seq: number): void;
  /** Sequence number the next sealed batch gets. */
  nextSeq(): number;
  size(): { batches: number; values: number; bytes: number };
}

const NAME = /^b-(\d{16})-(\d+)-(\d+)-(\d+)\.json$/;

export function createBatchQueue(o: BatchQueueOptions): BatchQueue {
  const maxBytes = o.maxBytes ?? 64 * 1024 * 1024;
  const maxBatches = o.maxBatches ?? 20_000;
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const seqFile = join(o.dir, 'seq');
  const dropFile = join(o.dir, 'dropped.json');
  const entries: Entry[] = [];
  for (const file of readdirSync(o.dir).sort()) {
    const m = NAME.exec(file);
    if (!m) {
      if (file.endsWith('.tmp')) rmSync(join(o.dir, file), { force: true });
      continue;
    }
    entries.push({
      seq: Number(m[1]),
      count: Number(m[2]),
      from: Number(m[3]),
      to: Number(m[4]),
      bytes: statSync(join(o.dir, file)).size,
      file,
    });
  }
  let bytes = entries.reduce((n, e) => n + e.bytes, 0);
  const last = entries.at(-1)?.seq ?? -1;
  let next = Math.max(readNumber(seqFile) ?? 0, last + 1);
  let pendingDrop: DataDropped | undefined = readDrop(dropFile);
  let protectedSeq = -1;

  function atomic(path: string, text: string) {
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  function dropOldest(): DataDropped | undefined {
    // The batch being sent now is left alone; its acknowledgement may already be on its way.
    const i = entries.findIndex((e) => e.seq !== protectedSeq);
    if (i < 0) return undefined;
    const [e] = entries.splice(i, 1);
    rmSync(join(o.dir, e.file), { force: true });
    bytes -= e.bytes;
    return { count: e.count, from: e.from, to: e.to };
  }

  function merge(a: DataDropped | undefined, b: DataDropped): DataDropped {
    return a ? { count: a.count + b.count, from: Math.min(a.from, b.from), to: Math.max(a.to, b.to) } : b;
  }

  return {
    seal(values) {
      const seq = next++;
      atomic(seqFile, String(next));
      let droppedNow: DataDropped | undefined;
      const body = (d?: DataDropped) => JSON.stringify({ seq, values, ...(d ? { dropped: d } : {}) });
      let text = body(pendingDrop);
      while (entries.length > 0 && (entries.length + 1 > maxBatches || bytes + text.length > maxBytes)) {
        const d = dropOldest();
        if (!d) break;
        if (d.count > 0) droppedNow = merge(droppedNow, d);
        if (d.count > 0) pendingDrop = merge(pendingDrop, d);
        text = body(pendingDrop);
      }
      const ts = values.map((v) => v.t);
      const from = ts.length ? Math.min(...ts) : 0;
      const to = ts.length ? Math.max(...ts) : 0;
      const file = `b-${String(seq).padStart(16, '0')}-${values.length}-${from}-${to}.json`;
      if (droppedNow) atomic(dropFile, JSON.stringify(pendingDrop));
      atomic(join(o.dir, file), text);
      // The drop is now carried by this batch, on disk.
      if (pendingDrop) rmSync(dropFile, { force: true });
      pendingDrop = undefined;
      entries.push({ seq, count: values.length, from, to, bytes: text.length, file });
      bytes += text.length;
      return { seq, ...(droppedNow ? { droppedNow } : {}) };
    },
    first(): StoredBatch | undefined {
      const e = entries[0];
      if (!e) return undefined;
      protectedSeq = e.seq;
      try {
        return JSON.parse(readFileSync(join(o.dir, e.file), 'utf8')) as StoredBatch;
      } catch {
        // A batch file that cannot be read (disk trouble) is given up and reported as dropped.
        const i = entries.indexOf(e);
        entries.splice(i, 1);
        bytes -= e.bytes;
        rmSync(join(o.dir, e.file), { force: true });
        if (e.count > 0) {
          pendingDrop = merge(pendingDrop, { count: e.count, from: e.from, to: e.to });
          atomic(dropFile, JSON.stringify(pendingDrop));
        }
        return this.first();
      }
    },
    ack(seq) {
      const i = entries.findIndex((e) => e.seq === seq);
      if (protectedSeq === seq) protectedSeq = -1;
      if (i < 0) return;
      const [e] = entries.splice(i, 1);
      rmSync(join(o.dir, e.file), { force: true });
      bytes -= e.bytes;
    },
    nextSeq: () => next,
    size: () => ({ batches: entries.length, values: entries.reduce((n, e) => n + e.count, 0), bytes }),
  };
}

function readNumber(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8'));
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function readDrop(path: string): DataDropped | undefined {
  try {
    const d = JSON.parse(readFileSync(path, 'utf8')) as DataDropped;
    return d && typeof d.count === 'number' ? d : undefined;
  } catch {
    return undefined;
  }
}
