/** Online intervals [start, end) inside [from, to), from the state at `from` and the changes after it. */
export function onlineIntervals(
  initial: string | null,
  changes: Array<{ state: string; at: string }>,
  from: number,
  to: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let state = initial ?? 'never_seen';
  let since = from;
  for (const c of changes) {
    const t = Math.min(Math.max(Date.parse(c.at), from), to);
    if (state === 'online' && t > since) out.push([since, t]);
    state = c.state;
    since = t;
  }
  if (state === 'online' && to > since) out.push([since, to]);
  return out;
}

/** Adds each interval's overlap with every bucket of `bucketMs` starting at `from`. */
export function addToBuckets(acc: number[], intervals: Array<[number, number]>, from: number, bucketMs: number): void {
  for (const [a, b] of intervals) {
    let k = Math.floor((a - from) / bucketMs);
    for (let t = a; t < b && k < acc.length; k++) {
      const end = Math.min(b, from + (k + 1) * bucketMs);
      acc[k] += end - t;
      t = end;
    }
  }
}

/** Hourly buckets up to three days, daily ones beyond: enough bars to read, not too many to print. */
export function bucketSize(periodMs: number): number {
  return periodMs <= 72 * 3_600_000 ? 3_600_000 : 86_400_000;
}
