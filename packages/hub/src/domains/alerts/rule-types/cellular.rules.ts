import { OK, ParamReader, defineRuleType, humanDuration, type AnyRuleType } from './rule-type.js';

/** A change the cellular domain saw in a device's reports, read by the hub's wiring. */
export interface CellularChangeRecord {
  deviceId: string;
  at: string;
  kind: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface CellularSource {
  changesSince(kinds: string[], sinceIso: string, limit: number): Promise<CellularChangeRecord[]>;
  /** The serving RSRP (dBm) each device last reported, for those that reported one. */
  rsrpOf(deviceIds: string[]): Promise<Map<string, number>>;
}

const KINDS = ['sim_swap', 'imei_change', 'roaming_start', 'overage_projected'] as const;
const MAX_LOADED = 50_000;

function describe(c: CellularChangeRecord): string {
  switch (c.kind) {
    case 'sim_swap':
      return `SIM swapped: ICCID ${c.oldValue} replaced by ${c.newValue}`;
    case 'imei_change':
      return `modem replaced: IMEI ${c.oldValue} replaced by ${c.newValue}`;
    case 'roaming_start':
      return `roaming started on ${c.newValue ?? 'an unknown network'} (was ${c.oldValue ?? 'unknown'})`;
    default: {
      const [iccid, limit] = (c.oldValue ?? '').split(':');
      return `SIM ${iccid} projected to use ${c.newValue} bytes this cycle, above its plan of ${limit}`;
    }
  }
}

// A SIM swap, IMEI change, roaming start or projected plan overage inside the window: the alert
// names the change (old and new ICCID for a swap) and resolves once the window has passed. A
// further change while it is open updates its value to the newest change.
export function cellularChangeRule(source: CellularSource): AnyRuleType {
  return defineRuleType<{ kinds: string[]; windowS: number }, Map<string, CellularChangeRecord>>({
    type: 'cellular_change',
    title: 'cellular change (SIM swap, IMEI change, roaming, plan overage)',
    params: {
      kinds: `changes that fire: ${KINDS.join(', ')} (default sim_swap, imei_change)`,
      windowS: 'how long the alert stays open after the change, seconds (default 86400)',
    },
    parse(raw) {
      const p = new ParamReader(raw);
      const kinds = p.strList('kinds', {
        pattern: new RegExp(`^(${KINDS.join('|')})$`),
        min: 1,
        max: KINDS.length,
        def: ['sim_swap', 'imei_change'],
      });
      const windowS = p.num('windowS', { above: 0, max: 30 * 86_400, def: 86_400 });
      p.done();
      return { kinds, windowS };
    },
    async load(ctx, p) {
      const since = new Date(ctx.now - p.windowS * 1000).toISOString();
      const latest = new Map<string, CellularChangeRecord>();
      // Oldest first: the latest change of each device wins.
      for (const c of await source.changesSince(p.kinds, since, MAX_LOADED)) latest.set(c.deviceId, c);
      return latest;
    },
    evaluate(dev, p, latest) {
      const c = latest.get(dev.id);
      if (!c) return OK;
      return {
        status: 'breach',
        value: { kind: c.kind, old: c.oldValue, new: c.newValue, at: c.at },
        text: `${describe(c)} at ${c.at} (open for ${humanDuration(p.windowS * 1000)})`,
      };
    },
  });
}

// Poor signal: the serving cell's RSRP below a threshold; resets above the reset level (hysteresis).
export function cellSignalRule(source: CellularSource): AnyRuleType {
  return defineRuleType<{ rsrpBelow: number; resetAbove: number }, Map<string, number>>({
    type: 'cell_signal',
    title: 'poor cellular signal (RSRP)',
    params: {
      rsrpBelow: 'fires while RSRP (dBm) is below this (default -110)',
      resetAbove: 'resolves once RSRP is at or above this (default rsrpBelow + 3)',
    },
    parse(raw) {
      const p = new ParamReader(raw);
      const rsrpBelow = p.num('rsrpBelow', { min: -160, max: -30, def: -110 });
      const resetAbove = p.num('resetAbove', { min: rsrpBelow, max: -20, def: rsrpBelow + 3 });
      p.done();
      return { rsrpBelow, resetAbove };
    },
    load: (ctx) => source.rsrpOf(ctx.devices.map((d) => d.id)),
    evaluate(dev, p, rsrp) {
      const v = rsrp.get(dev.id);
      if (v === undefined) return { status: 'hold' };
      if (v < p.rsrpBelow) return { status: 'breach', value: v, text: `RSRP ${v} dBm is below ${p.rsrpBelow} dBm` };
      return v >= p.resetAbove ? { status: 'ok', value: v } : { status: 'hold', value: v };
    },
  });
}
