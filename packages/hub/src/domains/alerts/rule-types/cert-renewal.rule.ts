import { OK, ParamReader, defineRuleType, type AnyRuleType } from './rule-type.js';

/** Devices whose certificate renewal keeps failing, read from the enrollment domain by the hub's wiring. */
export interface RenewalFailures {
  failing(
    minFailures: number,
    limit: number,
  ): Promise<Array<{ deviceId: string; failures: number; lastFailure: string | null; lastFailureAt: string | null }>>;
}

// Enough for any fleet this hub serves in one evaluation; the worst come first.
const MAX_LOADED = 50_000;

// The device's certificate renewal failed N times in a row; resets when a renewal succeeds.
export function certRenewalRule(source: RenewalFailures): AnyRuleType {
  return defineRuleType<{ failures: number }, Map<string, Awaited<ReturnType<RenewalFailures['failing']>>[number]>>({
    type: 'cert_renewal',
    title: 'certificate renewal failing',
    params: { failures: 'failed attempts in a row (default 3)' },
    parse(raw) {
      const p = new ParamReader(raw);
      const failures = p.num('failures', { min: 1, max: 1000, integer: true, def: 3 });
      p.done();
      return { failures };
    },
    load: async (_ctx, p) => new Map((await source.failing(p.failures, MAX_LOADED)).map((r) => [r.deviceId, r])),
    evaluate(dev, _p, failing) {
      const r = failing.get(dev.id);
      if (!r) return OK;
      return {
        status: 'breach',
        value: r.failures,
        text: `certificate renewal failed ${r.failures} times in a row (last: ${r.lastFailure ?? 'unknown'} at ${r.lastFailureAt ?? '?'})`,
      };
    },
  });
}
