import { OK, ParamReader, defineRuleType, type AnyRuleType } from './rule-type.js';

/** A side of a fence a device reached by crossing its border, as the geofences domain keeps it. */
export interface CrossedSide {
  fenceId: string;
  deviceId: string;
  side: 'inside' | 'outside';
  changedAt: string;
}

export interface GeofenceSource {
  /** Sides reached by a crossing (not a device's first fix), of these fences (null: every fence). */
  crossedSides(fenceIds: readonly string[] | null): Promise<CrossedSide[]>;
  /** Fence names by id. */
  names(): Promise<Map<string, string>>;
}

const ON = ['enter', 'leave'] as const;
const FENCE_ID = /^gfn_[0-9a-f]{8,64}$/;

type Loaded = { byDevice: Map<string, CrossedSide[]>; names: Map<string, string> };

// A crossing fires the alert and the opposite crossing resolves it: with `on: enter` the alert is
// open while the device is inside a chosen fence it entered (fired on entering, resolved on
// leaving); with `on: leave` while it is outside one it left. Either way both crossings notify.
// A device's first fix only records its side, so it neither fires nor resolves anything.
export function geofenceRule(source: GeofenceSource): AnyRuleType {
  return defineRuleType<{ fences: string[] | null; on: (typeof ON)[number] }, Loaded>({
    type: 'geofence',
    title: 'geofence crossed (entered or left)',
    params: {
      fences: 'geofence ids to watch (default: every fence that applies to the device)',
      on: 'enter: open while inside a fence the device entered; leave: open while outside one it left (default enter)',
    },
    parse(raw) {
      const p = new ParamReader(raw);
      const fences = raw.fences === undefined ? null : p.strList('fences', { pattern: FENCE_ID, min: 1, max: 100 });
      const on = p.oneOf('on', ON, 'enter');
      p.done();
      return { fences, on };
    },
    async load(_ctx, p) {
      const byDevice = new Map<string, CrossedSide[]>();
      for (const s of await source.crossedSides(p.fences)) {
        const list = byDevice.get(s.deviceId) ?? byDevice.set(s.deviceId, []).get(s.deviceId)!;
        list.push(s);
      }
      return { byDevice, names: await source.names() };
    },
    evaluate(dev, p, loaded) {
      const wanted = p.on === 'enter' ? 'inside' : 'outside';
      const hits = (loaded.byDevice.get(dev.id) ?? []).filter((s) => s.side === wanted);
      if (hits.length === 0) return OK;
      const names = hits.map((s) => loaded.names.get(s.fenceId) ?? s.fenceId).sort();
      const since = hits.map((s) => s.changedAt).sort()[hits.length - 1];
      const quoted = names.map((n) => `"${n}"`).join(', ');
      return {
        status: 'breach',
        value: { on: p.on, fences: names, at: since },
        text: p.on === 'enter' ? `entered geofence ${quoted} at ${since}` : `left geofence ${quoted} at ${since}`,
      };
    },
  });
}
