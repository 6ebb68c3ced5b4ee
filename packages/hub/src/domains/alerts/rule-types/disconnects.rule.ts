import { ParamReader, defineRuleType, humanDuration } from './rule-type.js';

// Excessive disconnects: N or more drops inside a sliding window. Resets once the count falls below N.
export const disconnectsRule = defineRuleType<{ count: number; windowS: number }, Map<string, number>>({
  type: 'disconnects',
  title: 'excessive disconnects',
  params: { count: 'disconnects that fire the alert (default 5)', windowS: 'sliding window in seconds (default 3600)' },
  parse(raw) {
    const p = new ParamReader(raw);
    const count = p.num('count', { min: 1, max: 100_000, def: 5, integer: true });
    const windowS = p.num('windowS', { above: 0, max: 30 * 86_400, def: 3600 });
    p.done();
    return { count, windowS };
  },
  load(ctx, p) {
    return ctx.data.offlineTransitionsSince(new Date(ctx.now - p.windowS * 1000).toISOString());
  },
  evaluate(dev, p, counts) {
    const n = counts.get(dev.id) ?? 0;
    if (n < p.count) return { status: 'ok', value: n };
    return { status: 'breach', value: n, text: `${n} disconnects in the last ${humanDuration(p.windowS * 1000)}` };
  },
});
