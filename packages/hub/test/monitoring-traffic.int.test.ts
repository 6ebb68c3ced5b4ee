import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simTraffic, simTrafficFeature, startSimulation, type Simulation } from '@outpost/sim';
import { hubTestClock, startTestHub, eventually, type TestHub } from './support/test-hub.js';

const DEVICES = 6;

describe('traffic baselines on simulated devices', () => {
  let t: TestHub;
  const clock = hubTestClock();
  let sim: Simulation;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-traffic-'));

  before(async () => {
    // Ports seen in the first 3 s are what the device normally uses; after that a port is new.
    t = await startTestHub({ alertEvalMs: 200, trafficLearningS: 3 }, undefined, { clock });
    const tok = await t.admin.enrollment.createToken({ label: 'traffic', maxUses: DEVICES });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: DEVICES,
      prefix: 'flow',
      cacheDir: cache,
      healthIntervalS: 5,
      rampMs: 200,
      features: (d) => [simTrafficFeature(d, { intervalS: 0.5 })],
    });
  });
  after(async () => {
    await sim?.stop({ clean: true });
    await t.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('fires one volume and one new-port alert on the device with a 3× spike and a new port, and nothing elsewhere', async () => {
    const volume = await t.admin.rules.create({
      name: 'traffic 2x baseline',
      type: 'traffic_volume',
      params: { k: 2, minBytesPerS: 100 },
    });
    const ports = await t.admin.rules.create({ name: 'new port', type: 'traffic_new_port', params: { windowS: 600 } });
    // Every device reports and has a baseline from its recent samples.
    await eventually(
      async () => {
        const all = await Promise.all(sim.ids.map((id) => t.admin.traffic.device(id)));
        return all.every((x) => (x.status as { baseline: unknown } | null)?.baseline);
      },
      20_000,
      250,
    );
    await eventually(
      async () => clock.now().getTime() - Date.parse((await t.admin.traffic.device(sim.ids[0])).learningUntil!) > 0,
      10_000,
    );
    // Normal traffic alone fires nothing, over several evaluations.
    await clock.advance(1500);
    assert.deepEqual((await t.admin.alerts.list({ state: 'open' })).items, []);

    const target = sim.ids[2];
    const control = simTraffic(target)!;
    control.spike(3, 60_000);
    control.openPort('tcp', 4444, 'out');
    const open = await eventually(
      async () => {
        const items = (await t.admin.alerts.list({ state: 'open' })).items;
        return items.length >= 2 ? items : null;
      },
      15_000,
      200,
    );
    // A few more evaluations: nothing more fires, here or on the other devices.
    await clock.advance(2000);
    const final = (await t.admin.alerts.list({ state: 'open' })).items;
    assert.equal(final.length, 2, JSON.stringify(final.map((a) => [a.deviceId, a.ruleName, a.text])));
    assert.ok(final.every((a) => a.deviceId === target));
    const byRule = new Map(final.map((a) => [a.ruleId, a]));
    const v = byRule.get(volume.id)!;
    const value = v.value as { ratio: number; bytesPerS: number; baselineBytesPerS: number };
    assert.ok(value.ratio >= 2 && value.ratio < 5, `ratio ${value.ratio}`);
    assert.match(v.text, /baseline/);
    const p = byRule.get(ports.id)!;
    assert.deepEqual(p.value, ['tcp/4444 out']);
    assert.equal(open.length, 2);
    const traffic = await t.admin.traffic.device(target);
    const novel = (traffic.ports as Array<{ port: number; novel: boolean }>).filter((x) => x.novel);
    assert.deepEqual(
      novel.map((x) => x.port),
      [4444],
    );
  });
});
