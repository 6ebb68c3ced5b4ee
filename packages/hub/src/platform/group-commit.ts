/**
 * Group commit: items submitted while one batch is being applied wait and are applied together in
 * the next. A caller alone waits for nothing; a fleet reporting at once shares a few writes instead
 * of one transaction each. Batches run one after another, in submission order; each `submit`
 * settles when its batch has been applied (or with that batch's error). Waiting items are what
 * their callers hold anyway: the broker acknowledges a message only once its submit settles.
 */
export function createGroupCommit<T>(apply: (items: T[]) => Promise<void>, maxBatch = 500) {
  const queue: Array<{ item: T; settle: (err?: unknown) => void }> = [];
  let draining = false;

  async function drain() {
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
    }
  }

  return {
    submit(item: T): Promise<void> {
      return new Promise((resolve, reject) => {
        queue.push({ item, settle: (err) => (err === undefined ? resolve() : reject(err)) });
        if (!draining) void drain();
      });
    },
    /** Items waiting for the next batch. */
    get waiting() {
      return queue.length;
    },
  };
}
