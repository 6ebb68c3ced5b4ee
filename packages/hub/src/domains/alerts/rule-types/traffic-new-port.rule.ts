import { OK, ParamReader, defineRuleType, humanDuration } from './rule-type.js';

type NewPorts = Map<string, Array<{ proto: string; port: number; dir: string; firstSeen: string }>>;

// A protocol/port this device was never seen using before (after its learning period). The
// alert resets once no port is newer than the window; acknowledging it is the usual answer.
export const trafficNewPortRule = defineRuleType<{ windowS: number; ignorePorts: number[] }, NewPorts>({
  type: 'traffic_new_port',
  title: 'new protocol/port',
  params: {
    windowS: 'how long a port counts as new, in seconds (default 3600)',
    ignorePorts: 'port numbers never worth an alert (default [])',
  },
  parse(raw) {
    const p = new ParamReader(raw);
    const windowS = p.num('windowS', { above: 0, max: 30 * 86_400, def: 3600 });
    const ignorePorts = p.intList('ignorePorts', { min: 0, max: 65_535, maxItems: 256 });
    p.done();
    return { windowS, ignorePorts };
  },
  load(ctx, p) {
    return ctx.traffic.newPortsSince(new Date(ctx.now - p.windowS * 1000).toISOString());
  },
  evaluate(dev, p, ports) {
    const fresh = (ports.get(dev.id) ?? []).filter((x) => !p.ignorePorts.includes(x.port));
    if (fresh.length === 0) return OK;
    const names = fresh.map((x) => `${x.proto}/${x.port} ${x.dir}`);
    return {
      status: 'breach',
      value: names,
      text: `new protocol/port${names.length > 1 ? 's' : ''} ${names.join(', ')} (first seen ${fresh[0].firstSeen}; new means within ${humanDuration(p.windowS * 1000)})`,
    };
  },
});
