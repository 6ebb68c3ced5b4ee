import { OK, ParamReader, defineRuleType } from './rule-type.js';

const DAY_MS = 86_400_000;

// The device certificate expires within N days; resets when the agent renews it.
export const certExpiryRule = defineRuleType<{ days: number }>({
  type: 'cert_expiry',
  title: 'certificate expiring',
  params: { days: 'days before expiry (default 30)' },
  parse(raw) {
    const p = new ParamReader(raw);
    const days = p.num('days', { above: 0, max: 3650, def: 30 });
    p.done();
    return { days };
  },
  evaluate(dev, p, _l, now) {
    if (!dev.certExpiresAt) return OK;
    const left = Date.parse(dev.certExpiresAt) - now;
    const days = Math.floor((left / DAY_MS) * 10) / 10;
    if (left > p.days * DAY_MS) return { status: 'ok', value: days };
    return {
      status: 'breach',
      value: days,
      text:
        left > 0
          ? `certificate expires in ${days} days (${dev.certExpiresAt})`
          : `certificate expired on ${dev.certExpiresAt}`,
    };
  },
});
