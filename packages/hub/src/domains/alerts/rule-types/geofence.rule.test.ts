import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSnapshot } from '../../devices/index.js';
import { geofenceRule, type CrossedSide } from './geofence.rule.js';
import type { LoadContext } from './rule-type.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const dev = (id: string) => ({ id, name: id }) as DeviceSnapshot;
const ctx = { now: NOW, devices: [] } as unknown as LoadContext;

function source(sides: CrossedSide[]) {
  const asked: Array<readonly string[] | null> = [];
  return {
    asked,
    crossedSides: async (ids: readonly string[] | null) => {
      asked.push(ids);
      return sides.filter((s) => ids === null || ids.includes(s.fenceId));
    },
    names: async () =>
      new Map([
        ['gfn_00000001', 'depot'],
        ['gfn_00000002', 'quarry'],
      ]),
  };
}

describe('geofence rule type', () => {
  const sides: CrossedSide[] = [
    { fenceId: 'gfn_00000001', deviceId: 'in', side: 'inside', changedAt: '2026-12-07T11:00:00.000Z' },
    { fenceId: 'gfn_00000001', deviceId: 'out', side: 'outside', changedAt: '2026-12-07T11:30:00.000Z' },
    { fenceId: 'gfn_00000002', deviceId: 'out', side: 'inside', changedAt: '2026-12-07T11:40:00.000Z' },
  ];

  it('on enter: open while inside a fence the device entered; ok once it left or never crossed', async () => {
    const s = source(sides);
    const t = geofenceRule(s);
    const p = t.parse({});
    const loaded = await t.load!(ctx, p);
    const a = t.evaluate(dev('in'), p, loaded, NOW);
    assert.equal(a.status, 'breach');
    assert.ok(
      a.status === 'breach' && a.text === 'entered geofence "depot" at 2026-12-07T11:00:00.000Z',
      JSON.stringify(a),
    );
    assert.equal(t.evaluate(dev('never'), p, loaded, NOW).status, 'ok');
    assert.deepEqual(s.asked, [null]);
  });

  it('on leave, for chosen fences only: open while outside a chosen fence the device left', async () => {
    const s = source(sides);
    const t = geofenceRule(s);
    const p = t.parse({ on: 'leave', fences: ['gfn_00000001'] });
    const loaded = await t.load!(ctx, p);
    const out = t.evaluate(dev('out'), p, loaded, NOW);
    assert.ok(out.status === 'breach' && out.text.startsWith('left geofence "depot"'), JSON.stringify(out));
    assert.equal(t.evaluate(dev('in'), p, loaded, NOW).status, 'ok');
    assert.deepEqual(s.asked, [['gfn_00000001']]);
  });

  it('refuses an unknown direction, a malformed fence id and unknown parameters with their paths', () => {
    const t = geofenceRule(source([]));
    assert.throws(() => t.parse({ on: 'both' }), /params.on must be one of enter, leave/);
    assert.throws(() => t.parse({ fences: ['depot'] }), /params.fences\[0\] has an invalid value/);
    assert.throws(() => t.parse({ radius: 5 }), /params.radius is not a parameter of this rule type/);
  });
});
