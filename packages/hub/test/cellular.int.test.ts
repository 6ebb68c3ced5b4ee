import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CELLULAR_ROUTES } from '@outpost/protocol';
import { callRoute } from '@outpost/client';
import { simCellularFeature, startSimulation, type Simulation } from '@outpost/sim';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';

const DEVICES = 5;

interface CellularView {
  inventory: { carrier: string | null; iccid: string | null; rat: string | null; location: { lat: number } | null };
  usage: Array<{ iccid: string; rxBytes: number }>;
}

describe('cellular reports from simulated devices', () => {
  let t: TestHub;
  let sim: Simulation;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-cellular-'));

  before(async () => {
    t = await startTestHub({});
    const tok = await t.admin.enrollment.createToken({ label: 'cellular', maxUses: DEVICES });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: DEVICES,
      prefix: 'cell',
      cacheDir: cache,
      healthIntervalS: 5,
      rampMs: 200,
      features: (d) => [simCellularFeature(d, { intervalS: 1 })],
    });
  });
  after(async () => {
    await sim?.stop({ clean: true });
    await t.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('files each device modem, SIM and position, counts usage per SIM, and filters by carrier and place', async () => {
    const view = (id: string) =>
      callRoute<CellularView>(t.admin.options, CELLULAR_ROUTES.device, { params: { id } }).catch(() => null);
    await eventually(
      async () => {
        const all = await Promise.all(sim.ids.map(view));
        return all.every((v) => v?.inventory.iccid && v.inventory.location && v.usage.some((u) => u.rxBytes > 0));
      },
      60_000,
      250,
    );
    const first = (await view(sim.ids[0]))!;
    assert.ok(first.inventory.carrier && first.inventory.rat, JSON.stringify(first.inventory));
    const all = await t.admin.devices.list({ filter: 'cell.carrier exists and cell.rsrp < 0', limit: 100 });
    assert.deepEqual(all.items.map((d) => d.id).sort(), [...sim.ids].sort());
    // Every simulated site lies in Germany; nothing is near Sydney.
    const germany = await t.admin.devices.list({ filter: 'location in bbox(47, 5, 55.5, 15.5)', limit: 100 });
    assert.equal(germany.items.length, DEVICES);
    const sydney = await t.admin.devices.list({ filter: 'location within 100 km of (-33.87, 151.21)', limit: 100 });
    assert.equal(sydney.items.length, 0);
  });

  it('refuses a plan cycle day that not every month has, and takes a valid plan', async () => {
    await assert.rejects(
      callRoute(t.admin.options, CELLULAR_ROUTES.setPlan, {
        params: { id: sim.ids[0] },
        body: { limitBytes: 1_000_000, cycleStartDay: 31 },
      }),
      (e: Error & { code?: string }) => e.code === 'validation_failed',
    );
    const ok = await callRoute<{ iccid: string; cycleStartDay: number }>(t.admin.options, CELLULAR_ROUTES.setPlan, {
      params: { id: sim.ids[0] },
      body: { limitBytes: 1_000_000, cycleStartDay: 5 },
    });
    assert.equal(ok.cycleStartDay, 5);
  });
});
