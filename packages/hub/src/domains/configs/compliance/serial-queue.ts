/** Runs tasks one at a time in arrival order; a failed task does not stop the ones behind it. */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  let depth = 0;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      depth++;
      const next = tail.then(task, task);
      tail = next.then(
        () => depth--,
        () => depth--,
      );
      return next;
    },
    depth: () => depth,
  };
}
