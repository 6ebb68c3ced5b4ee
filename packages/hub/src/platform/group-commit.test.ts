import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('gathers what is submitted in one turn into one batch, and what arrives meanwhile into the next, in order', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const applying = new Promise<void>((r) => (started = r));
    const group = createGroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) {
        started();
        await gate;
      }
    });
    const first = [1, 2].map((n) => group.submit(n));
    assert.equal(group.waiting, 2, 'nothing is applied before the turn ends');
    await applying;
    const rest = [3, 4, 5].map((n) => group.submit(n));
    assert.equal(group.waiting, 3);
    release();
    await Promise.all([...first, ...rest]);
    assert.deepEqual(batches, [
      [1, 2],
      [3, 4, 5],
    ]);
    assert.equal(group.waiting, 0);
  });

  it('batches callers that each submit again as soon as their last item is applied', async () => {
    const batches: number[] = [];
    const group = createGroupCommit<string>(async (items) => void batches.push(items.length));
    // Four devices, three reports each, every report sent when the previous one was stored:
    // with a synchronous store, each round is one batch rather than one batch per report.
    await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (d) => {
        for (let i = 0; i < 3; i++) await group.submit(`${d}${i}`);
      }),
    );
    assert.deepEqual(batches, [4, 4, 4]);
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
    assert.deepEqual(await Promise.all(all), ['ok', 'ok', 'disk full', 'disk full', 'ok']);
    assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
  });

  it('on flush, applies a batch still waiting for its turn before the store closes', async () => {
    // A store that closes with the hub: a batch applied after that fails, and its senders are never
    // acknowledged, while their links are already gone.
    let open = true;
    const stored: string[] = [];
    const group = createGroupCommit<string>(async (items) => {
      if (!open) throw new Error('database closed');
      stored.push(...items);
    });
    const taken = ['a', 'b'].map((x) => group.submit(x));
    assert.equal(group.waiting, 2, 'the batch waits for the next turn');
    await group.flush();
    open = false;
    assert.deepEqual(stored, ['a', 'b']);
    await Promise.all(taken);
  });

  it('on flush, waits for the batch being applied and for what arrived meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batches: number[][] = [];
    const group = createGroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
    });
    const first = group.submit(1);
    await new Promise((r) => setImmediate(r));
    const second = group.submit(2);
    let closed = false;
    const closing = group.flush().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(closed, false, 'the batch under way holds the flush');
    release();
    await closing;
    assert.deepEqual(batches, [[1], [2]]);
    await Promise.all([first, second]);
  });
});
