import { OK, ParamReader, defineRuleType, humanDuration } from './rule-type.js';

type Failed = Map<string, Array<{ rolloutId: string; state: string; reason: string | null; at: string }>>;

// A firmware/software rollout failed or was rolled back on the device within the window.
export const rolloutFailureRule = defineRuleType<{ windowS: number }, Failed>({
  type: 'rollout_failure',
  title: 'rollout failure',
  params: { windowS: 'how long a failed job keeps the alert open, in seconds (default 86400)' },
  parse(raw) {
    const p = new ParamReader(raw);
    const windowS = p.num('windowS', { above: 0, max: 90 * 86_400, def: 86_400 });
    p.done();
    return { windowS };
  },
  load: (ctx, p) => ctx.data.failedJobsSince(new Date(ctx.now - p.windowS * 1000).toISOString()),
  evaluate(dev, p, failed) {
    const jobs = failed.get(dev.id);
    if (!jobs?.length) return OK;
    const last = jobs[jobs.length - 1];
    return {
      status: 'breach',
      value: jobs.map((j) => ({ rollout: j.rolloutId, state: j.state, reason: j.reason })),
      text: `rollout ${last.rolloutId} ${last.state.replace('_', ' ')}${last.reason ? ` (${last.reason})` : ''}; ${jobs.length} in the last ${humanDuration(p.windowS * 1000)}`,
    };
  },
});
