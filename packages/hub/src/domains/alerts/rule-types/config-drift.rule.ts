import { OK, ParamReader, defineRuleType } from './rule-type.js';

type Sources = Map<string, Array<{ source: string; state: string; since: string }>>;

// Configuration drift (the configs domain's compliance): the device differs from what a template
// or its own overrides say, or could not apply them. Resets when it is compliant again.
export const configDriftRule = defineRuleType<{ states: string[] }, Sources>({
  type: 'config_drift',
  title: 'configuration drift',
  params: { states: 'compliance states that fire: ["drifted"] or ["drifted", "error"] (default both)' },
  parse(raw) {
    const p = new ParamReader(raw);
    const states = p.strList('states', { pattern: /^(drifted|error)$/, min: 1, max: 2, def: ['drifted', 'error'] });
    p.done();
    return { states };
  },
  load: (ctx, p) => ctx.data.complianceIn(p.states),
  evaluate(dev, _p, sources) {
    const bad = sources.get(dev.id);
    if (!bad?.length) return OK;
    return {
      status: 'breach',
      value: bad.map((b) => `${b.source}:${b.state}`),
      text: `configuration ${bad.map((b) => `${b.source} ${b.state} since ${b.since}`).join(', ')}`,
    };
  },
});
