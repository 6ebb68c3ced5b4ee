import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileValidator, CellularMessage } from '@outpost/protocol';
import type { FeatureContext } from '@outpost/agent';
import { luhn, routePosition, simCellularFeature, simRsrp } from './sim-cellular.js';
import { prng, profileOf } from './sim-system.js';

const valid = compileValidator(CellularMessage);
const ctx = { clock: { now: () => Date.now() } } as unknown as FeatureContext;

async function read(index: number) {
  const f = simCellularFeature({ index, deviceId: `sim-${index}`, profile: profileOf(index), random: prng(index) });
  return (await f.commands!['cellular.read']({}, ctx)) as CellularMessage;
}

describe('simulated cellular devices', () => {
  it('report schema-valid modems on real networks with a Luhn-checked ICCID and IMEI', async () => {
    for (let i = 0; i < 30; i++) {
      const m = await read(i);
      const r = valid.check(m);
      assert.equal(r.ok, true, r.ok ? '' : r.message);
      const modem = m.modems[0];
      const iccid = modem.sim!.iccid!;
      assert.equal(luhn(iccid.slice(0, -1)), iccid.slice(-1), iccid);
      assert.equal(luhn(modem.equipmentId!.slice(0, -1)), modem.equipmentId!.slice(-1));
      assert.match(
        `${modem.operator!.mcc}${modem.operator!.mnc}`,
        /^(26201|26202|26203|23201|20801|23430|311480|310410|310260|24001)$/,
      );
    }
  });

  it('vehicles move along their route and signal changes with the place', () => {
    const a = routePosition([52.52, 13.4], 5, 0);
    const b = routePosition([52.52, 13.4], 5, 600_000);
    const movedM = Math.hypot((b.lat - a.lat) * 111_000, (b.lon - a.lon) * 68_000);
    assert.ok(movedM > 1000 && movedM < 20_000, `moved ${movedM} m in 10 minutes`);
    assert.notEqual(simRsrp(a.lat, a.lon, 0, 0), simRsrp(52.9, 13.9, 0, 0), 'coverage differs by place');
  });
});
