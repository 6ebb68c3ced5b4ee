import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simSettingsFeature, simSettingsOf, startSimulation, type Simulation } from '@outpost/sim';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';

const FLEET = 200;
const SCAN_S = 10;
const V1 = {
  'ntp.servers': ['10.0.0.1', '10.0.0.2'],
  'ssh.password_auth': false,
  'firewall.wan.open_ports': [443],
  'snmp.enabled': false,
  'logging.level': 'warning',
  'syslog.server': '10.1.1.1',
};

describe('a fleet of 200 simulated devices under one template', () => {
  let t: TestHub;
  let sim: Simulation;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-cfg-'));
  const counts = async () =>
    (await t.admin.compliance.summary()).templates.find((x) => x.template === 'fleet-baseline');
  const allCompliant = () => eventually(async () => (await counts())?.compliant === FLEET, 30_000, 250);

  before(async () => {
    t = await startTestHub({ complianceScanIntervalS: SCAN_S, heartbeatFactor: 5 });
    await t.admin.groups.create({ path: 'fleet-a', kind: 'static' });
    const tok = await t.admin.enrollment.createToken({ label: 'cfg fleet', maxUses: FLEET, group: 'fleet-a' });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: FLEET,
      prefix: 'cfgsim',
      cacheDir: cache,
      healthIntervalS: 5,
      rampMs: 1000,
      enrollConcurrency: 16,
      // Only the feature under test: keeps the fleet's traffic (and this file's time) small.
      features: (d) => [simSettingsFeature(d)],
    });
    await eventually(
      async () =>
        (await t.admin.devices.list({ filter: 'group = "fleet-a" and online', count: true, limit: 1 })).total === FLEET,
      60_000,
      250,
    );
  });
  after(async () => {
    await sim?.stop({ clean: true });
    await t.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('reports all compliant, lists exactly the 20 that drifted with their diffs, and enforce puts them back (audited)', async () => {
    await t.admin.templates.create({
      name: 'fleet-baseline',
      priority: 100,
      policy: 'report',
      target: { group: 'fleet-a' },
      settings: V1,
    });
    await allCompliant();
    for (const id of sim.ids.slice(0, 5))
      assert.deepEqual(
        simSettingsOf(id)!.store && (await simSettingsOf(id)!.store.read())['ntp.servers'],
        V1['ntp.servers'],
      );

    const chosen = sim.ids.filter((_, i) => i % 10 === 3);
    assert.equal(chosen.length, 20);
    const started = Date.now();
    const changed = new Map<string, string[]>();
    await Promise.all(
      chosen.map(async (id, n) => {
        const r = await t.admin.devices.command(id, 'sim-drift', {
          args: { count: 3, user: `tech-${n}` },
          wait: true,
          timeoutS: 20,
        });
        assert.equal(r.state, 'succeeded', `${id}: ${r.error}`);
        changed.set(id, (r.result as { changed: string[] }).changed);
      }),
    );
    const rows = await eventually(
      async () => {
        const page = await t.admin.compliance.devices({ template: 'fleet-baseline', state: 'drifted', limit: 500 });
        return page.items.length === 20 ? page.items : null;
      },
      SCAN_S * 1000,
      100,
    );
    assert.ok(Date.now() - started <= SCAN_S * 1000 + 2000, 'drift shown within one scan interval');
    assert.deepEqual(rows.map((r) => r.deviceId).sort(), [...chosen].sort());
    for (const r of rows) {
      const actual = await simSettingsOf(r.deviceId)!.store.read();
      assert.deepEqual(r.diff.map((x) => x.key).sort(), [...changed.get(r.deviceId)!].sort(), r.deviceId);
      for (const x of r.diff) {
        assert.deepEqual(x.desired, V1[x.key as keyof typeof V1]);
        assert.deepEqual(x.actual, actual[x.key]);
        assert.notDeepEqual(x.actual, x.desired);
        assert.deepEqual(x.users, [`tech-${chosen.indexOf(r.deviceId)}`]);
      }
    }
    assert.equal((await counts())?.drifted, 20);

    await t.admin.templates.modify('fleet-baseline', { policy: 'enforce', comment: 'lock it down' });
    await allCompliant();
    for (const id of chosen) {
      const now = await simSettingsOf(id)!.store.read();
      for (const [k, v] of Object.entries(V1)) assert.deepEqual(now[k], v, `${id} ${k}`);
    }
    const audited = await t.admin.audit.list({ action: 'config.remediate', limit: 100 });
    assert.deepEqual(audited.items.map((a) => a.target).sort(), chosen.map((id) => `device:${id}`).sort());
    const report = await t.admin.compliance.report({ template: 'fleet-baseline' });
    assert.equal(report.incidents.length, 20);
    assert.ok(
      report.incidents.every(
        (i) => i.resolution === 'remediated' && i.remediations === 1 && i.durationS !== null && i.users.length === 1,
      ),
    );
    const csv = await t.admin.compliance.reportCsv({ view: 'incidents' });
    assert.equal(csv.trim().split('\r\n').length, 21);
  });

  it('re-converges the whole fleet when an older template version is restored', async () => {
    await t.admin.templates.modify('fleet-baseline', {
      settings: { ...V1, 'logging.level': 'debug', 'ntp.servers': ['10.9.9.9'] },
      comment: 'try new ntp',
    });
    await eventually(
      async () =>
        (await Promise.all(sim.ids.map(async (id) => (await simSettingsOf(id)!.store.read())['logging.level']))).every(
          (v) => v === 'debug',
        ),
      30_000,
      250,
    );
    const versions = (await t.admin.templates.versions('fleet-baseline')).items;
    assert.deepEqual(
      versions.map((v) => v.version),
      [3, 2, 1],
    );
    const back = await t.admin.templates.restore('fleet-baseline', 2, 'ntp trial failed');
    assert.equal(back.template.version, 4);
    assert.deepEqual(back.template.settings, V1);
    await eventually(
      async () => {
        const all = await Promise.all(sim.ids.map(async (id) => await simSettingsOf(id)!.store.read()));
        return all.every(
          (s) =>
            s['logging.level'] === 'warning' && JSON.stringify(s['ntp.servers']) === JSON.stringify(V1['ntp.servers']),
        );
      },
      30_000,
      250,
    );
    await allCompliant();
  });
});
