import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBatchQueue } from './batch-queue.js';

const values = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ p: 'x', v: i, t: from + i }));

describe('the store-and-forward queue', () => {
  it('keeps batches on disk in order across a restart, with the sequence persisted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-data-q-'));
    try {
      const q = createBatchQueue({ dir });
      assert.equal(q.seal(values(0, 3)).seq, 0);
      assert.equal(q.seal(values(3, 2)).seq, 1);
      q.ack(0);
      const again = createBatchQueue({ dir });
      assert.deepEqual(again.size(), { batches: 1, values: 2, bytes: again.size().bytes });
      assert.deepEqual(again.first(), { seq: 1, values: values(3, 2) });
      again.ack(1);
      assert.equal(again.first(), undefined);
      // Acknowledged everything: the sequence still grows from where it was.
      assert.equal(createBatchQueue({ dir }).seal([]).seq, 2);
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('b-')).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops the oldest values when full and says so in the next batch, also after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-data-q-'));
    try {
      const q = createBatchQueue({ dir, maxBatches: 10 });
      for (let i = 0; i < 10; i++) q.seal(values(i * 100, 5));
      const r = q.seal(values(1000, 5));
      assert.deepEqual(r.droppedNow, { count: 5, from: 0, to: 4 });
      assert.equal(q.size().batches, 10);
      const restarted = createBatchQueue({ dir, maxBatches: 10 });
      const first = restarted.first()!;
      assert.equal(first.seq, 1, 'batch 0 was dropped');
      assert.equal(first.dropped, undefined);
      // The batch sealed right after the drop carries the report, whatever is read first.
      let carried;
      for (let b = restarted.first(); b; b = restarted.first()) {
        if (b.dropped) carried = { seq: b.seq, dropped: b.dropped };
        restarted.ack(b.seq);
      }
      assert.deepEqual(carried, { seq: 10, dropped: { count: 5, from: 0, to: 4 } });
      // Never more than the byte bound either.
      const small = createBatchQueue({ dir: join(dir, 'small'), maxBytes: 65_536 });
      let dropped = 0;
      for (let i = 0; i < 100; i++) dropped += small.seal(values(i * 100, 50)).droppedNow?.count ?? 0;
      assert.ok(small.size().bytes <= 65_536, String(small.size().bytes));
      assert.equal(dropped + small.size().values, 5000, 'every value is either kept or counted as dropped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
