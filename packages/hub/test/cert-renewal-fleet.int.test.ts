import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulation, type Simulation } from '@outpost/sim';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// A fleet of 50 simulated devices on two-minute certificates renewing continuously. The suite
// renews at a quarter of the lifetime (30–42 s) so two rounds fit in its time; the full ten minutes
// at the default share run in bench/cert-renewal.bench.ts.
const DEVICES = 50;

describe('a simulated fleet renewing two-minute certificates', { timeout: 175_000 }, () => {
  let t: TestHub;
  let sim: Simulation | undefined;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-renew-'));
  before(async () => {
    t = await startTestHub({ deviceCertSeconds: 120, heartbeatFactor: 3 });
  });
  after(async () => {
    await sim?.stop({ clean: false });
    await t.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('every device renews at least twice and none goes offline', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'renewing fleet', maxUses: DEVICES });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: DEVICES,
      cacheDir: cache,
      prefix: 'renew',
      healthIntervalS: 5,
      rampMs: 1000,
      renewal: { share: 1 / 4, jitterShare: 0.1 },
    });
    const online = async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total;
    await eventually(async () => (await online()) === DEVICES, 30_000, 200);
    const devices = sim.devices;
    let lowestHub = DEVICES;
    let lowestAgents = DEVICES;
    // An agent moving to its renewed certificate is "connecting" while its old link still serves;
    // only a lost link ("waiting") or a stop is an outage.
    const agentsUp = () => devices.filter((d) => ['online', 'connecting'].includes(d.agent.state())).length;
    const renewedTwice = () => devices.every((d) => (d.renewal?.status().renewals ?? 0) >= 2);
    // Samples both views of the fleet on every poll until every device has renewed twice.
    await eventually(
      async () => {
        lowestHub = Math.min(lowestHub, (await online()) ?? 0);
        lowestAgents = Math.min(lowestAgents, agentsUp());
        return renewedTwice();
      },
      120_000,
      500,
    ).catch(() => undefined);
    const counts = devices.map((d) => d.renewal?.status().renewals ?? 0);
    // A device behind the others says where it stands: its next attempt, failures in a row, link state.
    const behind = devices
      .filter((d) => (d.renewal?.status().renewals ?? 0) < 2)
      .map((d) => ({ id: d.id, agent: d.agent.state(), ...d.renewal?.status(), now: Date.now() }));
    assert.ok(renewedTwice(), `renewals per device: ${counts.join(',')}; behind: ${JSON.stringify(behind)}`);
    assert.equal(lowestHub, DEVICES, 'the hub never saw a device offline');
    assert.equal(lowestAgents, DEVICES, 'no agent lost its link');
    // The hub saw the same: each device's renewal is recorded, in use, and audited.
    for (const d of devices.slice(0, 10)) {
      const s = await t.admin.enrollment.certificateStatus(d.id);
      assert.ok(s.renewal.renewals >= 2, `${d.id}: ${JSON.stringify(s.renewal)}`);
      assert.equal(s.current?.expired, false);
    }
    const audited = await t.admin.audit.list({ action: 'device.certificate.switch', limit: 500 });
    assert.ok(audited.items.length >= 2 * DEVICES, `${audited.items.length} switches audited`);
  });
});
