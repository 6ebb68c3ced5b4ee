/**
 * Group commit: items submitted in the same turn of the event loop, or while a batch is being
 * applied, are applied together in one batch. A fleet reporting at once shares a few writes instead
 * of one transaction each. Batches run one after another, in submission order; each `submit`
 * settles when its batch has been applied (or with that batch's error). Waiting items are what
 * their callers hold anyway: the broker acknowledges a message only once its submit settles.
 *
 * A batch starts on the next turn (`setImmediate`), not at once: SQLite's driver is synchronous,
 * so a batch started at once would run to its end before any other socket's message is read, and
 * every batch would hold one item. Waiting for the turn lets every message that arrived in the
 * same poll join it; a caller alone waits one turn.
 *
 * `flush` is for a stopping hub: it resolves once every item submitted so far (a batch waiting for
 * its turn included) has been applied, while the database is still open. Items keep being taken:
 * a report refused instead is never acknowledged, and a device waits for that acknowledgement.
 */
export function createGroupCommit<T>(apply: (items: T[]) => Promise<void>, maxBatch = 500) {
  const queue: Array<{ item: T; settle: (err?: unknown) => void }> = [];
  const idleWaiters: Array<() => void> = [];
  let draining = false;
  let scheduled = false;

  const busy = () => draining || scheduled || queue.length > 0;

  async function drain() {
    scheduled = false;
    draining = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        let failure: unknown;
        try {
          await apply(batch.map((b) => b.item));
        } catch (err) {
          failure = err ?? new Error('batch failed');
        }
        for (const b of batch) b.settle(failure);
      }
    } finally {
      draining = false;
      if (!busy()) for (const idle of idleWaiters.splice(0)) idle();
    }
  }

  function schedule() {
    if (draining || scheduled) return;
    scheduled = true;
    setImmediate(() => void drain());
  }

  return {
    submit(item: T): Promise<void> {
      return new Promise((resolve, reject) => {
        queue.push({ item, settle: (err) => (err === undefined ? resolve() : reject(err)) });
        schedule();
      });
    },
    /** Resolves once every item submitted so far has been applied or failed. */
    flush(): Promise<void> {
      if (!busy()) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    /** Items waiting for the next batch. */
    get waiting() {
      return queue.length;
    },
  };
}
