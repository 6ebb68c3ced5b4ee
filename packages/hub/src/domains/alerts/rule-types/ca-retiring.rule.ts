import { OK, ParamReader, defineRuleType, type AnyRuleType } from './rule-type.js';

/** Retiring CAs and the devices still holding a live certificate of one, read from the pki and enrollment domains by the hub's wiring. */
export interface RetiringCaDevices {
  retiringCas(): Array<{ id: string; retiringAt: string | null }>;
  devicesOn(caIds: string[], now: string, limit: number): Promise<string[]>;
}

const HOUR_MS = 3600_000;
// Enough for any fleet this hub serves in one evaluation.
const MAX_LOADED = 50_000;

// The device still depends on a CA that has been retiring for longer than N hours: it has not renewed
// onto the new CA, and retiring the old one would cut it off. Resets when the device renews.
export function caRetiringRule(source: RetiringCaDevices): AnyRuleType {
  return defineRuleType<{ hours: number }, Map<string, string[]>>({
    type: 'ca_retiring',
    title: 'device on a retiring CA',
    params: { hours: 'hours a CA has been retiring before its devices count (default 24)' },
    parse(raw) {
      const p = new ParamReader(raw);
      const hours = p.num('hours', { min: 0, max: 24 * 365, def: 24 });
      p.done();
      return { hours };
    },
    async load(ctx, p) {
      const due = source
        .retiringCas()
        .filter((c) => c.retiringAt !== null && Date.parse(c.retiringAt) <= ctx.now - p.hours * HOUR_MS)
        .map((c) => c.id);
      const out = new Map<string, string[]>();
      // One query per CA: a device on two retiring CAs names both.
      for (const caId of due)
        for (const id of await source.devicesOn([caId], new Date(ctx.now).toISOString(), MAX_LOADED))
          out.set(id, [...(out.get(id) ?? []), caId]);
      return out;
    },
    evaluate(dev, _p, onRetiring) {
      const cas = onRetiring.get(dev.id);
      if (!cas) return OK;
      return {
        status: 'breach',
        value: cas.length,
        text: `certificate still from retiring CA ${cas.join(', ')}: the device has not renewed onto the new CA`,
      };
    },
  });
}
