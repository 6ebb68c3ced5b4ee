import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSnapshot } from '../../devices/index.js';
import {
  cellSignalRule,
  cellularChangeRule,
  type CellularChangeRecord,
  type CellularSource,
} from './cellular.rules.js';
import type { LoadContext } from './rule-type.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const dev = (id: string) => ({ id, name: id }) as DeviceSnapshot;

function source(
  changes: CellularChangeRecord[],
  rsrp: Record<string, number> = {},
): CellularSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async changesSince(kinds, since) {
      asked.push(`${kinds.join(',')}@${since}`);
      return changes.filter((c) => kinds.includes(c.kind) && c.at >= since);
    },
    rsrpOf: async (ids) => new Map(ids.filter((i) => i in rsrp).map((i) => [i, rsrp[i]])),
  };
}

const ctx = (ids: string[]) => ({ now: NOW, devices: ids.map(dev) }) as unknown as LoadContext;

describe('cellular rule types', () => {
  it('cellular_change: a SIM swap in the window is a breach naming the old and the new ICCID', async () => {
    const s = source([
      { deviceId: 'a', at: '2026-12-07T11:00:00.000Z', kind: 'sim_swap', oldValue: '8949001', newValue: '8949002' },
      { deviceId: 'b', at: '2026-12-05T11:00:00.000Z', kind: 'sim_swap', oldValue: '1', newValue: '2' },
      { deviceId: 'c', at: '2026-12-07T11:30:00.000Z', kind: 'roaming_start', oldValue: 'Telekom.de', newValue: 'A1' },
    ]);
    const t = cellularChangeRule(s);
    const p = t.parse({});
    const loaded = await t.load!(ctx(['a', 'b', 'c']), p);
    const a = t.evaluate(dev('a'), p, loaded, NOW);
    assert.equal(a.status, 'breach');
    assert.ok(
      a.status === 'breach' && a.text.startsWith('SIM swapped: ICCID 8949001 replaced by 8949002'),
      JSON.stringify(a),
    );
    assert.equal(t.evaluate(dev('b'), p, loaded, NOW).status, 'ok', 'older than the window');
    assert.equal(t.evaluate(dev('c'), p, loaded, NOW).status, 'ok', 'roaming is not asked for by default');
    assert.deepEqual(s.asked, ['sim_swap,imei_change@2026-12-06T12:00:00.000Z']);
  });

  it('cellular_change refuses unknown kinds with the path of the parameter', () => {
    const t = cellularChangeRule(source([]));
    assert.throws(() => t.parse({ kinds: ['sim_theft'] }), /params.kinds\[0\] has an invalid value/);
  });

  it('cell_signal: fires below the threshold, holds between, resets above the reset level, holds without data', async () => {
    const t = cellSignalRule(source([], { weak: -115, mid: -109, good: -100 }));
    const p = t.parse({ rsrpBelow: -110, resetAbove: -105 });
    const loaded = await t.load!(ctx(['weak', 'mid', 'good', 'none']), p);
    const st = (id: string) => t.evaluate(dev(id), p, loaded, NOW).status;
    assert.deepEqual(['weak', 'mid', 'good', 'none'].map(st), ['breach', 'hold', 'ok', 'hold']);
    assert.throws(() => t.parse({ rsrpBelow: -110, resetAbove: -120 }), /params.resetAbove must be at least -110/);
  });
});
