/** The last totals the hub holds for one device interface. */
export interface KnownTotals {
  epoch: string;
  rxTotal: number;
  txTotal: number;
}

/**
 * New bytes in a report of cumulative totals. A repeated or older report adds nothing (totals
 * only grow within an epoch); a new epoch (the device lost its counter state) counts from zero.
 */
export function usageDelta(
  known: KnownTotals | undefined,
  report: { epoch: string; rxBytes: number; txBytes: number },
): { rx: number; tx: number } {
  if (!known || known.epoch !== report.epoch) return { rx: report.rxBytes, tx: report.txBytes };
  return { rx: Math.max(0, report.rxBytes - known.rxTotal), tx: Math.max(0, report.txBytes - known.txTotal) };
}
