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
 * `close` is for a stopping hub: items already submitted (a batch waiting for its turn included)
 * are applied while the database is still open, and later ones are refused, so their senders are
 * never told they were stored.
 */
export function createGroupCommit<T>(apply: (items: T[]) => Promise<void>, maxBatch = 500) {
  const queue: Array<{ item: T; settle: (err?: unknown) => void }> = [];
  const idleWaiters: Array<() => void> = [];
  let draining = false;
  let scheduled = false;
  let closed = false;

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
      if (closed) return Promise.reject(new Error('not accepted: stopping'));
      return new Promise((resolve, reject) => {
        queue.push({ item, settle: (err) => (err === undefined ? resolve() : reject(err)) });
        schedule();
      });
    },
    /** Refuses new items and resolves once every item submitted before has been applied or failed. */
    close(): Promise<void> {
      closed = true;
      if (!busy()) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    /** Items waiting for the next batch. */
    get waiting() {
      return queue.length;
    },
  };
}
