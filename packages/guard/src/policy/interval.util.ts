/** True when [start, end] is covered by the union of the inclusive intervals. */
export function coveredByUnion(
  intervals: ReadonlyArray<readonly [number, number]>,
  start: number,
  end: number,
): boolean {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let next = start;
  for (const [s, e] of sorted) {
    if (s > next) break;
    if (e >= next) next = e + 1;
    if (next > end) return true;
  }
  return next > end;
}
