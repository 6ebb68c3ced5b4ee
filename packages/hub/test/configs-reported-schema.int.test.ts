import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createMemorySettingsStore, createSettingsFeature, type Agent, type MemorySettingsStore } from '@outpost/agent';
import { send } from '@outpost/client';
import { deviceTopic, type ConfigEvent, type DeviceConfigView } from '@outpost/protocol';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent } from './support/devices.js';

// Values a device reports are checked against its model's settings schema: when it reports and
// when the schema changes. A real agent reports; a simulated technician changes its values.

const ID = 'rs-gw-1';
const RAW = 'rs-raw-1';
const SECRET = 'Plant Community 7!';
const SCHEMA = {
  type: 'object',
  properties: {
    ssh: {
      type: 'object',
      properties: { port: { type: 'integer', minimum: 1, maximum: 65535 }, enabled: { type: 'boolean' } },
    },
    logging: { type: 'object', properties: { level: { enum: ['debug', 'info', 'warning', 'error'] } } },
    snmp: { type: 'object', properties: { community: { type: 'string', pattern: '^[a-z]{4,12}$' } } },
    hostname: { type: 'string', pattern: '^[a-z0-9-]+$' },
  },
  // Reports are not held to `required`; vendor.fan.curve is unknown to an open schema: fine.
  required: ['ntp'],
};

describe('reported settings are checked against the device model schema', () => {
  let t: TestHub;
  let agent: Agent;
  let store: MemorySettingsStore;
  let model: string;
  const view = (id = ID) => t.admin.deviceConfig.get(id);
  const row = async () => (await t.admin.compliance.devices({ filter: `id = "${ID}"`, template: 'rs-base' })).items[0];
  const events = async (type: string, device = ID): Promise<ConfigEvent[]> =>
    (await t.admin.compliance.events({ device, type })).items;
  /** Resolves once the hub has stored a report newer than `before` and evaluated compliance after it (events come in between). */
  async function settled(before: string | null) {
    const at = await eventually(async () => {
      const r = (await view()).reportedAt;
      return r !== before ? r : null;
    });
    await eventually(async () => ((await row())?.checkedAt ?? '') >= at!, 30_000);
  }
  /**
   * A technician changes values on the device; resolves once the hub holds a report with the new
   * values and has evaluated it. Waiting for "a newer report" is not enough: a report sent just
   * before the change (after a reconnect, say) can arrive after it.
   */
  async function tamper(changes: Record<string, unknown>) {
    store.tamper(changes as never, 'tech-rita');
    // Secret-looking values are shown masked, so the others tell whether the report is the new one.
    const visible = Object.entries(changes).filter(([k]) => !/community|secret|password|token|key$/.test(k));
    const shown = (v: DeviceConfigView, key: string) =>
      v.entries.find((e) => e.key === key)?.actual ?? v.unmanaged[key];
    const at = await eventually(async () => {
      const v = await view();
      return visible.every(([k, value]) => isDeepStrictEqual(shown(v, k), value)) ? v.reportedAt : null;
    }, 30_000);
    await eventually(async () => ((await row())?.checkedAt ?? '') >= at!, 30_000);
  }

  before(async () => {
    t = await startTestHub({ complianceScanIntervalS: 3600 });
    await t.admin.groups.create({ path: 'rs', kind: 'static' });
    await t.admin.templates.create({
      name: 'rs-base',
      priority: 10,
      policy: 'report',
      target: { group: 'rs' },
      settings: { 'ssh.port': 22, 'logging.level': 'info' },
    });
    const dev = await enrollTestDevice(t, ID, { group: 'rs' });
    store = createMemorySettingsStore({
      'ssh.port': 22,
      'ssh.enabled': true,
      'logging.level': 'info',
      'snmp.community': 'plantro',
      hostname: 'Bad Host!',
      'vendor.fan.curve': [20, 40],
    });
    agent = startTestAgent(t, dev, {
      features: [createSettingsFeature({ store, simulator: { random: Math.random }, reportDelayMs: 20 })],
    });
    model = await eventually(async () => (await t.admin.devices.get(ID)).model, 30_000);
    await eventually(async () => (await row())?.state === 'compliant', 30_000);
  });

  after(async () => {
    await agent?.stop({ clean: true });
    await t?.stop();
  });

  it('finds what a device already reported when its model gets a schema, then every violation of each report; events only when the invalid keys change', async () => {
    assert.deepEqual([(await view()).invalid, (await view()).invalidCount], [[], 0], 'no schema, nothing checked');
    await t.admin.configModels.setSchema(model, SCHEMA);
    // The report the hub already holds is checked again: no new report needed.
    const found = await eventually(async () => ((await view()).invalidCount > 0 ? view() : null), 30_000);
    assert.deepEqual(found.invalid, [
      { key: 'hostname', path: '/settings/hostname', message: 'must match pattern "^[a-z0-9-]+$"' },
    ]);
    await eventually(async () => (await events('settings.invalid')).length === 1, 30_000);
    assert.deepEqual(
      (await events('settings.invalid')).map((e) => e.data.keys),
      [['hostname']],
    );
    assert.equal((await row()).state, 'compliant', 'hostname is not managed: compliance is untouched');

    // Out of range (managed), wrong type (managed). The agent sends a secret-looking key only as its
    // digest, which cannot be checked (a device that sends one in clear is the next test).
    await tamper({ 'ssh.port': 70000, 'logging.level': 5, 'snmp.community': SECRET });
    const v = await view();
    assert.equal(v.invalidCount, 3);
    assert.deepEqual(v.invalid.map((x) => [x.key, x.path, x.message]).sort(), [
      ['hostname', '/settings/hostname', 'must match pattern "^[a-z0-9-]+$"'],
      ['logging.level', '/settings/logging.level', 'must be equal to one of the allowed values'],
      ['ssh.port', '/settings/ssh.port', 'must be <= 65535'],
    ]);
    const entry = (key: string) => v.entries.find((e) => e.key === key)!;
    assert.equal(entry('ssh.port').invalid, 'must be <= 65535');
    assert.equal(entry('logging.level').invalid, 'must be equal to one of the allowed values');
    assert.deepEqual(v.unmanaged['snmp.community'], { $secret: true });
    const r = await row();
    assert.equal(r.state, 'error');
    assert.match(r.reason ?? '', /^reported value invalid: .*ssh\.port: must be <= 65535/);
    assert.equal(v.state, 'error');
    let invalid = await events('settings.invalid');
    assert.equal(invalid.length, 2);
    assert.deepEqual(invalid[0].data.keys, ['hostname', 'logging.level', 'ssh.port']);
    assert.deepEqual(invalid[0].data.added, ['logging.level', 'ssh.port']);
    assert.deepEqual(invalid[0].data.violations, v.invalid);

    // The same invalid keys again (another value changes; then the very same report after a reconnect): no event.
    await tamper({ 'vendor.fan.curve': [25, 45] });
    const at = (await view()).reportedAt;
    await agent.dropLink();
    await settled(at);
    assert.equal((await events('settings.invalid')).length, 2);
    assert.equal((await view()).invalidCount, 3);

    // Part fixed: the set changes, one event; the managed keys still make compliance error.
    await tamper({ 'snmp.community': 'plantrw', hostname: 'gw-1' });
    invalid = await events('settings.invalid');
    assert.equal(invalid.length, 3);
    assert.deepEqual([invalid[0].data.keys, invalid[0].data.resolved], [['logging.level', 'ssh.port'], ['hostname']]);
    assert.equal((await row()).state, 'error');

    // All valid: cleared, `settings.valid`; a valid value other than the desired one is drift.
    await tamper({ 'ssh.port': 2222, 'logging.level': 'info' });
    const fixed = await view();
    assert.deepEqual([fixed.invalid, fixed.invalidCount, fixed.entries.some((e) => e.invalid)], [[], 0, false]);
    assert.deepEqual(
      (await events('settings.valid')).map((e) => e.data.resolved),
      [['logging.level', 'ssh.port']],
    );
    const drifted = await row();
    assert.equal(drifted.state, 'drifted');
    assert.deepEqual(
      drifted.diff.map((x) => x.key),
      ['ssh.port'],
    );
    await tamper({ 'ssh.port': 22 });
    assert.equal((await row()).state, 'compliant');
    assert.equal((await events('settings.invalid')).length, 3);
  });

  it('checks a secret-looking value sent in clear without ever showing it; a changed schema keeps what it cannot re-check; a removed one clears all', async () => {
    const dev = await enrollTestDevice(t, RAW);
    const c = await rawClient(t, dev, RAW);
    try {
      await c.publishAsync(
        deviceTopic(RAW, 'hello'),
        JSON.stringify({
          v: 1,
          agentVersion: 't',
          firmware: '1',
          model,
          bootId: 'b',
          healthIntervalS: 30,
          capabilities: [],
        }),
        { qos: 1 },
      );
      await eventually(async () => (await t.admin.devices.get(RAW)).model === model, 30_000);
      const report = {
        v: 1,
        ts: Date.now(),
        desiredVersion: 0,
        settings: { 'snmp.community': SECRET, hostname: 'raw-host', 'ssh.port': 22 },
        files: [],
        results: [],
        localChanges: [],
        maintenanceUntil: null,
      };
      await c.publishAsync(deviceTopic(RAW, 'reported'), JSON.stringify(report), { qos: 1 });
      const v = await eventually(async () => ((await view(RAW)).invalidCount > 0 ? view(RAW) : null), 30_000);
      assert.deepEqual(v.invalid, [
        { key: 'snmp.community', path: '/settings/snmp.community', message: 'must match pattern "^[a-z]{4,12}$"' },
      ]);
      assert.deepEqual(v.unmanaged['snmp.community'], { $secret: true });
      await eventually(async () => (await events('settings.invalid', RAW)).length === 1, 30_000);
      assert.deepEqual(
        (await events('settings.invalid', RAW)).map((e) => e.data.keys),
        [['snmp.community']],
      );

      // A stricter schema: the stored report is checked again. The hub holds the secret-looking value
      // only as a digest, so what was found in it is kept until the device reports again.
      await t.admin.configModels.setSchema(model, {
        ...SCHEMA,
        properties: { ...SCHEMA.properties, hostname: { type: 'string', maxLength: 4 } },
      });
      await eventually(async () => (await events('settings.invalid', RAW)).length === 2, 30_000);
      assert.deepEqual((await view(RAW)).invalid.map((x) => [x.key, x.message]).sort(), [
        ['hostname', 'must NOT have more than 4 characters'],
        ['snmp.community', 'must match pattern "^[a-z]{4,12}$"'],
      ]);
      assert.deepEqual(
        (await events('settings.invalid', RAW)).map((e) => e.data.added),
        [['hostname'], ['snmp.community']],
      );

      // Without a schema nothing is invalid, on either device.
      await tamper({ hostname: 'Bad Host!' });
      assert.equal((await view()).invalidCount, 1);
      await t.admin.configModels.removeSchema(model);
      await eventually(
        async () => (await events('settings.valid', RAW)).length === 1 && (await events('settings.valid')).length === 2,
        30_000,
      );
      assert.deepEqual([(await view(RAW)).invalidCount, (await view()).invalidCount], [0, 0]);
    } finally {
      c.end(true);
    }

    const base = { baseUrl: t.hub.httpUrl, caPem: t.hub.caPem, session: t.admin.options.session };
    const bodies: string[] = [];
    for (const path of [
      `/api/v1/devices/${RAW}/config`,
      `/api/v1/devices/${ID}/config`,
      '/api/v1/compliance/devices?limit=5000',
      '/api/v1/compliance/events?limit=1000',
      `/api/v1/devices/${RAW}/events?limit=1000`,
      `/api/v1/devices/${ID}/events?limit=1000`,
      '/api/v1/audit?limit=1000',
    ]) {
      const r = await send(base, 'GET', path);
      assert.equal(r.status, 200, path);
      bodies.push(r.body);
    }
    const db = readdirSync(t.dir)
      .filter((f) => f.startsWith('outpost.db'))
      .map((f) => readFileSync(join(t.dir, f)).toString('latin1'));
    const everything = [...bodies, t.logText(), ...db].join('\n');
    assert.ok(
      everything.includes('snmp.community') &&
        everything.includes('settings.invalid') &&
        t.logText().includes('reported settings break the model schema'),
      'the grep looks at real output',
    );
    assert.ok(!everything.includes(SECRET), 'the secret-looking value leaked');
  });
});
