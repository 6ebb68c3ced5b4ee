import { ParamReader, defineRuleType, humanDuration } from './rule-type.js';

// Event types as devices send them; `guard.*` matches a whole family.
const TYPE = /^[a-z0-9_.-]{1,64}(\.\*)?$/;

// Device security events of the given types, N or more inside a sliding window.
export const securityEventsRule = defineRuleType<
  { types: string[]; count: number; windowS: number },
  Map<string, Record<string, number>>
>({
  type: 'security_events',
  title: 'device security events',
  params: {
    types: 'event types, e.g. ["auth.login_failed", "agent.command_rejected", "guard.*"]',
    count: 'events that fire the alert (default 1)',
    windowS: 'sliding window in seconds (default 3600)',
  },
  parse(raw) {
    const p = new ParamReader(raw);
    const types = p.strList('types', { pattern: TYPE, min: 1, max: 32 });
    const count = p.num('count', { min: 1, max: 1_000_000, def: 1, integer: true });
    const windowS = p.num('windowS', { above: 0, max: 30 * 86_400, def: 3600 });
    p.done();
    return { types, count, windowS };
  },
  load(ctx, p) {
    return ctx.data.eventCountsSince(p.types, new Date(ctx.now - p.windowS * 1000).toISOString());
  },
  evaluate(dev, p, counts) {
    const byType = counts.get(dev.id);
    const n = byType ? Object.values(byType).reduce((a, b) => a + b, 0) : 0;
    if (n < p.count) return { status: 'ok', value: n };
    const parts = Object.entries(byType!).map(([t, c]) => `${t} ×${c}`);
    return {
      status: 'breach',
      value: n,
      text: `${n} security events in the last ${humanDuration(p.windowS * 1000)}: ${parts.join(', ')}`,
    };
  },
});
