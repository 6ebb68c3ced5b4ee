import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMemorySettingsStore,
  createSettingsFeature,
  type Agent,
  type MemorySettingsStore,
  type SettingsFeature,
} from '@outpost/agent';
import { ApiError, send } from '@outpost/client';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent, type EnrolledDevice } from './support/devices.js';

const BASE = {
  'ntp.servers': ['0.pool.ntp.org'],
  'ssh.enabled': true,
  'ssh.port': 22,
  'firewall.wan.open_ports': [443],
  'logging.level': 'info',
};
const PSK = 'WifiPskValue7Qx9Zr2';
const PSK2 = 'RotatedPsk4Lm8Vb1';
const ADMIN_PW = 'AdminPw0Kt5Hs3';

interface Dev {
  dev: EnrolledDevice;
  store: MemorySettingsStore;
  feature: SettingsFeature;
  agent: Agent;
}

function startAgent(t: TestHub, dev: EnrolledDevice, store: MemorySettingsStore, feature?: SettingsFeature): Dev {
  const f = feature ?? createSettingsFeature({ store, simulator: { random: Math.random }, reportDelayMs: 20 });
  return { dev, store, feature: f, agent: startTestAgent(t, dev, { features: [f], healthIntervalS: 2 }) };
}

async function startDevice(t: TestHub, id: string, group: string): Promise<Dev> {
  return startAgent(t, await enrollTestDevice(t, id, { group }), createMemorySettingsStore({ ...BASE }));
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('configuration templates, desired state and compliance', () => {
  let t: TestHub;
  const devs = new Map<string, Dev>();
  const state = async (id: string) => (await t.admin.deviceConfig.get(id)).state;
  const online = (filter: string, n: number) =>
    eventually(
      async () => (await t.admin.devices.list({ filter: `${filter} and online`, count: true, limit: 1 })).total === n,
    );

  before(async () => {
    t = await startTestHub({ complianceScanIntervalS: 1 });
    for (const g of ['cfg', 'off', 'sec', 'lock', 'late', 'bad'])
      await t.admin.groups.create({ path: g, kind: 'static' });
    for (const [id, g] of [
      ['cfg-1', 'cfg'],
      ['cfg-2', 'cfg'],
      ['off-1', 'off'],
      ['sec-1', 'sec'],
      ['lock-1', 'lock'],
    ])
      devs.set(id, await startDevice(t, id, g));
    await online('id ~ "-1" or id ~ "-2"', 5);
  });
  after(async () => {
    await Promise.all([...devs.values()].map((d) => d.agent.stop({ clean: true })));
    await t.stop();
  });

  it('refuses invalid values with the path of the bad value, and same-priority conflicts with both names', async () => {
    await t.admin.configModels.setSchema('vx-1', {
      type: 'object',
      additionalProperties: false,
      properties: {
        ssh: {
          type: 'object',
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1, maximum: 65535 } },
        },
        ntp: {
          type: 'object',
          additionalProperties: false,
          properties: { servers: { type: 'array', items: { type: 'string', format: 'hostname' } } },
        },
      },
      required: ['ssh'],
    });
    const base = { name: 'strict', priority: 10, policy: 'report' as const, target: { group: 'cfg' }, model: 'vx-1' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ 'ssh.port': 'twenty-two' }, '/settings/ssh.port'],
      [{ 'ssh.port': 70000 }, '/settings/ssh.port'],
      [{ 'ntp.servers': ['pool.ntp.org', 5] }, '/settings/ntp.servers/1'],
      [{ 'ntp.servers': ['pool.ntp.org', 'not a host!'] }, '/settings/ntp.servers/1'],
      [{ 'ssh.colour': 'blue' }, '/settings/ssh.colour'],
      [{ 'web.admin.enabled': true }, '/settings/web.admin.enabled'],
      [{ 'a..b': 1 }, '/settings/a..b'],
      [{ 'ssh.enabled': { nested: true } }, '/settings/ssh.enabled'],
      [{ ssh: 1, 'ssh.port': 22 }, '/settings/ssh.port'],
    ];
    for (const [settings, path] of cases) {
      const e = await apiError(t.admin.templates.create({ ...base, settings } as never));
      assert.equal(e.status, 400, JSON.stringify(settings));
      assert.equal(e.code, 'validation_failed');
      assert.equal(e.details?.path, path, `${JSON.stringify(settings)}: ${e.message}`);
    }
    await t.admin.templates.create({ ...base, settings: { 'ssh.port': 2222, 'ntp.servers': ['pool.ntp.org'] } });
    assert.equal(
      (await t.admin.templates.list()).items.find((x) => x.name === 'strict')?.devices,
      0,
      'model restricts the target',
    );

    await t.admin.templates.create({
      name: 'site-a',
      priority: 50,
      policy: 'report',
      target: { group: 'cfg' },
      settings: { 'logging.level': 'warning' },
    });
    const e = await apiError(
      t.admin.templates.create({
        name: 'one-off',
        priority: 50,
        policy: 'report',
        target: { filter: 'id = "cfg-2"' },
        settings: { 'logging.level': 'debug' },
      }),
    );
    assert.equal(e.status, 409);
    assert.match(e.message, /"one-off".*"site-a"/);
    assert.deepEqual(e.details?.templates, ['one-off', 'site-a']);
    // Disjoint targets at one priority are fine; so is the same target at another priority.
    await t.admin.templates.create({
      name: 'lock-logging',
      priority: 50,
      policy: 'report',
      target: { group: 'lock' },
      settings: { 'logging.level': 'notice' },
    });
    await t.admin.templates.create({
      name: 'one-off',
      priority: 60,
      policy: 'enforce',
      target: { filter: 'id = "cfg-2"' },
      settings: { 'logging.level': 'debug' },
    });
  });

  it('applies precedence (override > higher priority > lower) and explains it', async () => {
    await eventually(async () => (await state('cfg-1')) === 'compliant' && (await state('cfg-2')) === 'compliant');
    assert.equal((await devs.get('cfg-1')!.store.read())['logging.level'], 'warning');
    assert.equal((await devs.get('cfg-2')!.store.read())['logging.level'], 'debug');
    const view = await t.admin.deviceConfig.get('cfg-2');
    const e = view.entries.find((x) => x.key === 'logging.level')!;
    assert.deepEqual(e.source, { kind: 'template', template: 'one-off', version: 1, priority: 60, policy: 'enforce' });
    assert.deepEqual(e.overridden, [{ kind: 'template', template: 'site-a', priority: 50 }]);
    assert.match(view.precedence, /device override > higher-priority template/);
    await t.admin.deviceConfig.setOverrides('cfg-2', { 'logging.level': 'error' });
    await eventually(async () => (await devs.get('cfg-2')!.store.read())['logging.level'] === 'error');
    const after = (await t.admin.deviceConfig.get('cfg-2')).entries.find((x) => x.key === 'logging.level')!;
    assert.deepEqual(after.source, { kind: 'override' });
    assert.deepEqual(
      after.overridden.map((x) => x.template),
      ['one-off', 'site-a'],
    );
    await eventually(async () => (await state('cfg-2')) === 'compliant');
  });

  it('converges a device that was offline while its template changed, applying nothing twice', async () => {
    const d = devs.get('off-1')!;
    await t.admin.templates.create({
      name: 'offline',
      priority: 10,
      policy: 'enforce',
      target: { group: 'off' },
      settings: { 'ssh.enabled': false },
    });
    await eventually(async () => (await state('off-1')) === 'compliant');
    await d.agent.stop({ clean: false });
    await eventually(async () => (await t.admin.devices.get('off-1')).presence === 'offline');
    await t.admin.templates.modify('offline', { settings: { 'ssh.enabled': false, 'ssh.port': 2222 } });
    await t.admin.templates.modify('offline', {
      settings: { 'ssh.enabled': false, 'ssh.port': 2223, 'logging.level': 'debug' },
    });
    assert.equal((await d.store.read())['ssh.port'], 22);
    const before = new Map(d.store.writes);
    devs.set('off-1', startAgent(t, d.dev, d.store, d.feature));
    await eventually(async () => (await state('off-1')) === 'compliant', 10_000);
    const s = await d.store.read();
    assert.equal(s['ssh.port'], 2223);
    assert.equal(s['logging.level'], 'debug');
    const delta = (k: string) => (d.store.writes.get(k) ?? 0) - (before.get(k) ?? 0);
    assert.deepEqual([delta('ssh.port'), delta('logging.level'), delta('ssh.enabled')], [1, 1, 0]);
    // The retained document and the one the hub sends on reconnect carry the same version: no second apply.
    const handled = d.feature.documentsHandled();
    await devs.get('off-1')!.agent.dropLink();
    await eventually(
      async () => devs.get('off-1')!.agent.state() === 'online' && devs.get('off-1')!.agent.stats().connects >= 2,
    );
    // Both have been handled: the retained copy (on subscribe) and the one sent when the device was ready.
    await eventually(() => d.feature.documentsHandled() >= handled + 2, 30_000);
    assert.deepEqual([delta('ssh.port'), delta('logging.level')], [1, 1]);
  });

  it('locks managed keys unless an operator opens a maintenance window; the device reconverges after it', async () => {
    const d = devs.get('lock-1')!;
    await t.admin.templates.create({
      name: 'locked',
      priority: 20,
      policy: 'enforce',
      target: { group: 'lock' },
      settings: { 'ssh.enabled': false },
    });
    await eventually(async () => (await state('lock-1')) === 'compliant');
    assert.deepEqual(await d.feature.requestLocalChange('ssh.enabled', true, 'tech-ana'), {
      ok: false,
      reason: 'managed',
    });
    await eventually(async () =>
      (await t.admin.devices.events('lock-1')).items.some(
        (e) => e.type === 'settings.local_change_refused' && e.data.user === 'tech-ana',
      ),
    );
    assert.equal((await d.store.read())['ssh.enabled'], false);

    await t.admin.deviceConfig.startMaintenance('lock-1', 10, 'replace the modem');
    await eventually(() => (d.feature.state().desired?.maintenanceUntil ?? 0) > Date.now());
    assert.deepEqual(await d.feature.requestLocalChange('ssh.enabled', true, 'tech-ana'), { ok: true });
    const row = await eventually(
      async () => (await t.admin.compliance.devices({ filter: 'id = "lock-1"', state: 'drifted' })).items[0],
    );
    assert.equal(row.maintenance, true);
    assert.deepEqual(row.diff, [
      {
        key: 'ssh.enabled',
        desired: false,
        actual: true,
        change: 'changed',
        changedAt: row.diff[0].changedAt,
        users: ['tech-ana'],
        via: 'agent',
      },
    ]);
    // The hub's enforcement pass runs after the drift was recorded; a later document (the window
    // extended) reaches the agent behind anything that pass sent, so once it is handled so is the rest.
    await t.admin.compliance.scan();
    const until = d.feature.state().desired!.maintenanceUntil!;
    await t.admin.deviceConfig.startMaintenance('lock-1', 11, 'replace the modem');
    await eventually(() => (d.feature.state().desired?.maintenanceUntil ?? 0) > until, 30_000);
    assert.equal((await d.store.read())['ssh.enabled'], true, 'no enforcement during maintenance');

    await t.admin.deviceConfig.endMaintenance('lock-1');
    await eventually(async () => (await d.store.read())['ssh.enabled'] === false);
    await eventually(async () => (await state('lock-1')) === 'compliant');
    const actions = (await t.admin.audit.list({ target: 'device:lock-1', limit: 20 })).items.map((a) => a.action);
    assert.ok(actions.includes('config.maintenance.start') && actions.includes('config.maintenance.end'));
  });

  it('keeps secrets out of every response, log line, diff, report, audit record and the database', async () => {
    const d = devs.get('sec-1')!;
    await t.admin.templates.create({
      name: 'wifi',
      priority: 30,
      policy: 'report',
      target: { group: 'sec' },
      settings: { 'wifi.ssid': 'plant-7', 'wifi.psk': { $secret: PSK }, 'ntp.servers': ['10.0.0.1'] },
      files: [
        {
          path: '/etc/outpost/banner.txt',
          content: Buffer.from('authorized use only\n').toString('base64'),
          mode: 0o644,
        },
      ],
    });
    await eventually(async () => (await state('sec-1')) === 'compliant');
    assert.equal((await d.store.read())['wifi.psk'], PSK, 'the device got the real value');
    assert.equal(
      (await d.store.readFile('/etc/outpost/banner.txt')).sha256,
      createHash('sha256').update('authorized use only\n').digest('hex'),
    );
    await t.admin.deviceConfig.setOverrides('sec-1', { 'admin.password': { $secret: ADMIN_PW } });
    await eventually(async () => (await d.store.read())['admin.password'] === ADMIN_PW);
    await t.admin.templates.modify('wifi', {
      settings: { 'wifi.ssid': 'plant-7', 'wifi.psk': { $secret: PSK2 }, 'ntp.servers': ['10.0.0.1'] },
    });
    await t.admin.templates.modify('wifi', {
      settings: { 'wifi.ssid': 'plant-8', 'wifi.psk': { $secret: true }, 'ntp.servers': ['10.0.0.1'] },
    });
    await eventually(
      async () => (await d.store.read())['wifi.ssid'] === 'plant-8' && (await state('sec-1')) === 'compliant',
    );
    assert.equal((await d.store.read())['wifi.psk'], PSK2);
    const versions = (await t.admin.templates.versions('wifi')).items;
    assert.deepEqual(versions[1].diff, [{ field: 'settings.wifi.psk', change: 'changed', secret: true }]);
    assert.deepEqual(
      versions[0].diff.map((x) => x.field),
      ['settings.wifi.ssid'],
    );
    // A technician changes the PSK on the device: the hub sees that it changed, not what it is now.
    await t.admin.devices.command('sec-1', 'sim-drift', { args: { keys: ['wifi.psk'], user: 'tech-bo' }, wait: true });
    const row = await eventually(
      async () => (await t.admin.compliance.devices({ filter: 'id = "sec-1"', state: 'drifted' })).items[0],
    );
    assert.deepEqual(
      row.diff.map(({ changedAt: _c, ...x }) => x),
      [{ key: 'wifi.psk', secret: true, change: 'changed', users: ['tech-bo'], via: 'direct' }],
    );

    const base = { baseUrl: t.hub.httpUrl, caPem: t.hub.caPem, session: t.admin.options.session };
    const bodies: string[] = [];
    for (const path of [
      '/api/v1/config/templates',
      '/api/v1/config/templates/wifi',
      '/api/v1/config/templates/wifi/versions',
      '/api/v1/config/templates/wifi/versions/1',
      '/api/v1/config/templates/wifi/versions/2',
      '/api/v1/devices/sec-1/config',
      '/api/v1/compliance',
      '/api/v1/compliance/devices?limit=5000',
      '/api/v1/compliance/events?limit=1000',
      '/api/v1/compliance/report?format=json',
      '/api/v1/compliance/report?format=csv',
      '/api/v1/compliance/report?format=csv&view=incidents',
      '/api/v1/audit?limit=1000',
      '/api/v1/devices/sec-1/events?limit=1000',
    ]) {
      const r = await send(base, 'GET', path);
      assert.equal(r.status, 200, path);
      bodies.push(r.body);
    }
    const db = readdirSync(t.dir)
      .filter((f) => f.startsWith('outpost.db'))
      .map((f) => readFileSync(join(t.dir, f)).toString('latin1'));
    const everything = [...bodies, t.logText(), ...db].join('\n');
    assert.ok(everything.includes('plant-8') && everything.includes('wifi.psk'), 'the grep looks at real output');
    for (const secret of [PSK, PSK2, ADMIN_PW, (await d.store.read())['wifi.psk'] as string])
      assert.ok(!everything.includes(secret), `secret found in hub output`);
  });

  it('marks a device that reports a malformed settings document as error, records an event, and keeps running', async () => {
    const dev = await enrollTestDevice(t, 'bad-1', { group: 'bad' });
    await t.admin.templates.create({
      name: 'bad-tpl',
      priority: 10,
      policy: 'report',
      target: { group: 'bad' },
      settings: { 'ssh.enabled': false },
    });
    const c = await rawClient(t, dev, 'bad-1');
    try {
      await c.publishAsync('outpost/v1/d/bad-1/status', JSON.stringify({ v: 1, state: 'online', ts: Date.now() }), {
        qos: 1,
        retain: true,
      });
      await c.publishAsync('outpost/v1/d/bad-1/reported', '{"v":1,"ts":', { qos: 1 });
      await eventually(async () => (await state('bad-1')) === 'error');
      await c.publishAsync(
        'outpost/v1/d/bad-1/reported',
        JSON.stringify({
          v: 1,
          ts: 1,
          desiredVersion: 1,
          settings: { 'ssh.enabled': { deep: [1] } },
          files: [],
          results: [],
          localChanges: [],
          maintenanceUntil: null,
        }),
        { qos: 1 },
      );
      const row = (await t.admin.compliance.devices({ filter: 'id = "bad-1"' })).items[0];
      assert.equal(row.state, 'error');
      assert.match(row.reason ?? '', /malformed settings report/);
      const events = (await t.admin.compliance.events({ device: 'bad-1' })).items;
      assert.ok(events.some((e) => e.type === 'config.report_malformed'));
      assert.ok(c.connected, 'the device stays connected');
    } finally {
      c.end(true);
    }
    assert.equal((await send({ baseUrl: t.hub.httpUrl, caPem: t.hub.caPem }, 'GET', '/healthz')).status, 200);
    assert.equal(await state('cfg-1'), 'compliant');
  });

  it('brings a device that joins a targeted group under management at once (membership change); scans keep history', async () => {
    await t.admin.templates.create({
      name: 'late',
      priority: 10,
      policy: 'enforce',
      target: { group: 'late' },
      settings: { 'ssh.port': 2200 },
    });
    const d = await startDevice(t, 'late-1', 'cfg');
    devs.set('late-1', d);
    await online('id = "late-1"', 1);
    await t.admin.groups.addMembers('late', { deviceIds: ['late-1'] });
    await eventually(async () => (await d.store.read())['ssh.port'] === 2200, 3000);
    await eventually(async () => (await state('late-1')) === 'compliant');
    // History is written by the scheduled scans (every second here), not by the membership change.
    await eventually(async () => (await t.admin.compliance.history({ template: 'late' })).items.length > 0, 5000);
    const s = await t.admin.compliance.summary();
    assert.ok(s.lastScan && s.overall.total >= 6);
  });
});
