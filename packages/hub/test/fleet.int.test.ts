import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulation, type Simulation } from '@outpost/sim';
import { restartablePort, startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';

describe('a simulated fleet', () => {
  let t: TestHub;
  let sim: Simulation;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-cache-'));
  before(async () => {
    t = await startTestHub();
  });
  after(async () => {
    await sim?.stop({ clean: false });
    await t.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('brings 50 simulated devices online, then offline when the simulator dies', async () => {
    const tok = await t.admin.enrollment.createToken({ label: 'sim', maxUses: 50 });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: 50,
      cacheDir: cache,
      healthIntervalS: 2,
      rampMs: 500,
    });
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 50,
      20_000,
      200,
    );
    const page = await t.admin.devices.list({
      filter: 'model = "gw-200" or model = "gw-300"',
      limit: 100,
      count: true,
    });
    assert.ok(page.total! > 0 && page.total! < 50);
    assert.ok(page.items.every((d) => d.model === 'gw-200' || d.model === 'gw-300'));
    // A device enrolled a moment ago was online all the time it has existed, not 0 % of the day.
    const av = await t.admin.devices.availability(page.items[0].id, 24);
    assert.equal(av.onlinePct, 100);
    assert.ok(av.observedFrom !== null && Date.parse(av.observedFrom) > Date.parse(av.from), JSON.stringify(av));
    // Dropping every link without a goodbye is what a killed process does: last wills mark them offline.
    await sim.stop({ clean: false });
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'offline', count: true, limit: 1 })).total === 50,
      10_000,
      200,
    );
  });

  it('reuses cached identities on the next run without a token', async () => {
    const again = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: t.hub.caFingerprint,
      devices: 5,
      cacheDir: cache,
      rampMs: 100,
    });
    try {
      await eventually(
        async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 5,
        10_000,
        100,
      );
      assert.equal((await t.admin.devices.list({ count: true, limit: 1 })).total, 50);
    } finally {
      await again.stop({ clean: true });
    }
  });

  it('delivers every event buffered during a link loss, in order, once', async () => {
    const dev = await enrollTestDevice(t, 'buffered-1');
    let agent = startTestAgent(t, dev);
    await eventually(async () => (await t.admin.devices.get('buffered-1')).presence === 'online');
    await agent.emit('test.before', 'info', { n: 0 });
    await eventually(async () => (await t.admin.devices.events('buffered-1')).items.length === 1);
    // The device goes dark (agent stopped as if the link were gone); events pile up on disk.
    await agent.stop({ clean: false });
    agent = startTestAgent(t, dev);
    await agent.stop({ clean: false });
    for (let n = 1; n <= 120; n++) await agent.emit('test.offline', 'warning', { n });
    // A new agent process on the same identity directory finds the queue and delivers it.
    agent = startTestAgent(t, dev);
    try {
      const events = await eventually(async () => {
        const e = (await t.admin.devices.events('buffered-1', 500)).items;
        return e.length === 121 ? e : null;
      }, 10_000);
      const ns = events.map((e) => e.data.n as number).reverse();
      assert.deepEqual(
        ns,
        Array.from({ length: 121 }, (_, i) => i),
      );
      const seqs = events.map((e) => e.seq).reverse();
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
    } finally {
      await agent.stop({ clean: true });
    }
  });

  it('runs a command on every device a filter chooses, with per-device results', async () => {
    const devs = await Promise.all(
      ['grp-1', 'grp-2', 'grp-3'].map((id) => enrollTestDevice(t, id, { tags: { site: 'east' } })),
    );
    const agents = devs.map((d) => startTestAgent(t, d));
    try {
      await eventually(
        async () =>
          (await t.admin.devices.list({ filter: 'tag.site = "east" and online', count: true, limit: 1 })).total === 3,
      );
      await t.admin.groups.create({ path: 'east-online', kind: 'dynamic', filter: 'tag.site = east and online' });
      const b = await t.admin.commands.sendWhere('group = "east-online"', 'get-info', { timeoutS: 10 });
      assert.equal(b.devices, 3);
      const done = await eventually(async () => {
        const r = await t.admin.commands.batch(b.batchId);
        return r.counts.succeeded === 3 ? r : null;
      });
      assert.deepEqual(done.items.map((c) => c.deviceId).sort(), ['grp-1', 'grp-2', 'grp-3']);
      const tagged = await t.admin.devices.tagWhere('group = "east-online"', { rack: 'r7' });
      assert.equal(tagged.matched, 3);
      assert.equal((await t.admin.devices.get('grp-2')).tags.rack, 'r7');
    } finally {
      await Promise.all(agents.map((a) => a.stop({ clean: true })));
    }
  });
});

describe('simulator scenarios', () => {
  let t: TestHub;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-scen-'));
  before(async () => {
    t = await startTestHub();
  });
  after(async () => {
    await t.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('takes a whole site down on a power loss and brings it back, with per-site tags', async () => {
    const tokens: Record<string, string> = {};
    for (const site of ['north', 'south', 'east', 'west'])
      tokens[site] = (await t.admin.enrollment.createToken({ label: site, maxUses: 40, tags: { site } })).token;
    const sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: t.hub.caFingerprint,
      tokenFor: (p) => tokens[p.site],
      devices: 40,
      cacheDir: cache,
      prefix: 'scen',
      rampMs: 200,
      backoff: { baseMs: 100, capMs: 1000 },
    });
    try {
      await eventually(
        async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 40,
        20_000,
        200,
      );
      const north = (await t.admin.devices.list({ filter: 'tag.site = north', count: true, limit: 1 })).total!;
      assert.ok(north > 0 && north < 40);
      const down = await sim.scenarios.sitePowerLoss('north', 2500);
      assert.equal(down, north);
      await eventually(
        async () =>
          (await t.admin.devices.list({ filter: 'tag.site = north and offline', count: true, limit: 1 })).total ===
          north,
        10_000,
        100,
      );
      assert.equal(
        (await t.admin.devices.list({ filter: 'not tag.site = north and online', count: true, limit: 1 })).total,
        40 - north,
      );
      await eventually(
        async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 40,
        15_000,
        200,
      );
    } finally {
      await sim.stop({ clean: false });
    }
  });
});

describe('a link loss with the hub gone', () => {
  it('buffers events on disk while the hub is unreachable and delivers them all, in order, when it returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-hub-restart-'));
    const ports = { httpPort: await restartablePort(), mqttPort: await restartablePort() };
    let t = await startTestHub(ports, dir);
    const dev = await enrollTestDevice(t, 'outage-1');
    const agent = startTestAgent(t, dev);
    try {
      await eventually(async () => (await t.admin.devices.get('outage-1')).presence === 'online');
      await agent.emit('test.seq', 'info', { n: 0 });
      await eventually(async () => (await t.admin.devices.events('outage-1')).items.length === 1);
      await t.stop();
      await eventually(() => agent.state() !== 'online', 5000);
      for (let n = 1; n <= 50; n++) await agent.emit('test.seq', 'info', { n });
      t = await startTestHub(ports, dir);
      const events = await eventually(
        async () => {
          const e = (await t.admin.devices.events('outage-1', 200)).items;
          return e.length === 51 ? e : null;
        },
        20_000,
        100,
      );
      assert.deepEqual(
        events.map((e) => e.data.n).reverse(),
        Array.from({ length: 51 }, (_, i) => i),
      );
    } finally {
      await agent.stop({ clean: true });
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
