import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('applies a lone item at once and gathers what arrives meanwhile into the next batch, in order', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const group = createGroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
    });
    const first = group.submit(1);
    const rest = [2, 3, 4].map((n) => group.submit(n));
    assert.equal(group.waiting, 3);
    release();
    await Promise.all([first, ...rest]);
    assert.deepEqual(batches, [[1], [2, 3, 4]]);
    assert.equal(group.waiting, 0);
  });

  it('caps a batch and rejects only the callers of a batch that failed', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const group = createGroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      if (items.includes(3)) throw new Error('disk full');
    }, 2);
    const all = [1, 2, 3, 4, 5].map((n) =>
      group.submit(n).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    release();
    assert.deepEqual(await Promise.all(all), ['ok', 'disk full', 'disk full', 'ok', 'ok']);
    assert.deepEqual(batches, [[1], [2, 3], [4, 5]]);
  });
});
