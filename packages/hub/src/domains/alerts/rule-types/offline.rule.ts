import { HOLD, OK, ParamReader, defineRuleType, humanDuration } from './rule-type.js';

// Offline longer than D. Measured from the hub's own presence change, so it survives a hub restart.
export const offlineRule = defineRuleType<{ afterS: number }>({
  type: 'offline',
  title: 'device offline',
  params: { afterS: 'seconds offline before the alert fires (default 300)' },
  parse(raw) {
    const p = new ParamReader(raw);
    const afterS = p.num('afterS', { min: 0, max: 30 * 86_400, def: 300 });
    p.done();
    return { afterS };
  },
  evaluate(dev, p, _l, now) {
    if (dev.presence !== 'offline' || !dev.presenceChangedAt) return OK;
    const since = Date.parse(dev.presenceChangedAt);
    // Offline, but not for long enough: an open alert (from an earlier outage) stays as it is.
    if (now - since < p.afterS * 1000) return HOLD;
    return {
      status: 'breach',
      value: Math.round((now - since) / 1000),
      text: `offline for ${humanDuration(now - since)} (since ${dev.presenceChangedAt})`,
    };
  },
});
