import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:https';
import type { MqttClient } from 'mqtt';
import { deviceTopic, SCHEMA_VERSION, type DeviceLocations, type MapPoints, type Role } from '@outpost/protocol';
import { createClient, type OutpostClient } from '@outpost/client';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient } from './support/devices.js';

// Located devices for the map and each device's track, through real cellular reports over MQTT:
// `map-plant` (group plant) drives, `map-yard` (group yard) stands in Berlin, `map-nofix` has no fix.
const code = (e: unknown) => (e as { code?: string }).code;

describe('map points and device tracks', () => {
  let t: TestHub;
  let scoped: OutpostClient;
  const clients: MqttClient[] = [];
  const publishers = new Map<string, MqttClient>();
  const t0 = Date.now() - 30 * 60_000;

  const report = (id: string, fix?: { lat: number; lon: number; at: number }) =>
    new Promise<void>((resolve, reject) =>
      publishers.get(id)!.publish(
        deviceTopic(id, 'cellular'),
        JSON.stringify({
          v: SCHEMA_VERSION,
          ts: Date.now(),
          modems: [],
          counters: { epoch: 'epoch-map-1', interfaces: [] },
          ...(fix ? { location: { lat: fix.lat, lon: fix.lon, accuracyM: 4, mode: 3, fixAt: fix.at } } : {}),
        }),
        { qos: 1 },
        (err) => (err ? reject(err) : resolve()),
      ),
    );

  async function scopedUser(role: Role, groups: string[]): Promise<OutpostClient> {
    const username = `map-${role}-${Date.now()}`;
    const user = await t.admin.users.create({ username, password: 'a-long-password-1', role });
    await t.admin.users.update(user.id, { groups });
    const { session } = await t.anonymous().login(username, 'a-long-password-1');
    return createClient({ ...t.anonymous().options, session });
  }

  before(async () => {
    t = await startTestHub();
    for (const path of ['plant', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    for (const [id, group] of [
      ['map-plant', 'plant'],
      ['map-yard', 'yard'],
      ['map-nofix', 'plant'],
    ]) {
      const d = await enrollTestDevice(t, id, { group });
      const c = await rawClient(t, d, id);
      clients.push(c);
      publishers.set(id, c);
    }
    scoped = await scopedUser('viewer', ['plant']);
    await report('map-plant', { lat: 48.1, lon: 11.5, at: t0 });
    // The same fix again is no new point; a move is.
    await report('map-plant', { lat: 48.1, lon: 11.5, at: t0 });
    await report('map-plant', { lat: 48.2, lon: 11.6, at: t0 + 60_000 });
    await report('map-yard', { lat: 52.52, lon: 13.405, at: t0 });
    await report('map-nofix');
    await eventually(async () => (await t.admin.map.points()).ids.length === 2, 30_000);
    await eventually(
      async () =>
        (await t.admin.map.locations('map-plant', { from: new Date(t0 - 1000).toISOString() })).points.length === 2,
      30_000,
    );
  });

  after(async () => {
    for (const c of clients) c.end(true);
    await t.stop();
  });

  it('answers every located device in columns, filtered like the device list', async () => {
    const all: MapPoints = await t.admin.map.points();
    assert.deepEqual(all.ids, ['map-plant', 'map-yard']);
    assert.deepEqual(all.lat, [48.2, 52.52]);
    assert.deepEqual(all.lon, [11.6, 13.405]);
    assert.equal(all.presence.length, 2);
    assert.equal(all.truncated, false);
    assert.equal(all.health, undefined, 'health only when asked');
    assert.equal((await t.admin.map.points({ health: true })).health?.length, 2);
    const berlin = await t.admin.map.points({ filter: 'location within 50 km of (52.52, 13.40)' });
    assert.deepEqual(berlin.ids, ['map-yard']);
    assert.deepEqual((await t.admin.map.points({ filter: 'group = "plant"' })).ids, ['map-plant']);
    await assert.rejects(t.admin.map.points({ filter: 'location within (' }), (e) => code(e) === 'filter_syntax');
  });

  it('keeps a scoped caller inside its groups, for the map and for tracks', async () => {
    assert.deepEqual((await scoped.map.points()).ids, ['map-plant']);
    assert.deepEqual((await scoped.map.points({ filter: 'group = "yard"' })).ids, []);
    const from = new Date(t0 - 1000).toISOString();
    await assert.rejects(scoped.map.locations('map-yard', { from }), (e) => code(e) === 'device_not_found');
    assert.equal((await scoped.map.locations('map-plant', { from })).points.length, 2);
  });

  it("answers a device's track oldest first and refuses a bad range with a stable code", async () => {
    const from = new Date(t0 - 1000).toISOString();
    const track: DeviceLocations = await t.admin.map.locations('map-plant', { from });
    assert.deepEqual(
      track.points.map((p) => [p.lat, p.lon, p.accuracyM]),
      [
        [48.1, 11.5, 4],
        [48.2, 11.6, 4],
      ],
    );
    assert.equal(track.truncated, false);
    assert.equal(track.points[0].at, new Date(t0).toISOString());
    assert.deepEqual((await t.admin.map.locations('map-nofix', { from })).points, []);
    const refused = async (q: { from: string; to?: string }, id = 'map-plant') =>
      assert.rejects(t.admin.map.locations(id, q), (e) => code(e) === 'validation_failed');
    await refused({ from: 'yesterday' });
    await refused({ from, to: new Date(t0 - 60_000).toISOString() });
    await refused({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' });
    await assert.rejects(t.admin.map.locations('no-such-device', { from }), (e) => code(e) === 'device_not_found');
  });

  it('keeps the tile server for admins and lets the console load images from that host only', async () => {
    const csp = () =>
      new Promise<string>((resolve, reject) =>
        get(`${t.hub.httpUrl}/map`, { ca: t.hub.caPem }, (res) => {
          res.resume();
          resolve(String(res.headers['content-security-policy']));
        }).on('error', reject),
      );
    assert.deepEqual(await scoped.map.settings(), { tileUrl: null });
    assert.match(await csp(), /img-src 'self' data:;/);
    await assert.rejects(
      scoped.map.putSettings({ tileUrl: 'https://t.example/{z}/{x}/{y}.png' }),
      (e) => code(e) === 'forbidden',
    );
    for (const bad of [
      'https://t.example/{z}/{x}.png',
      'ftp://t.example/{z}/{x}/{y}',
      'https://u:p@t.example/{z}/{x}/{y}',
    ])
      await assert.rejects(t.admin.map.putSettings({ tileUrl: bad }), (e) => code(e) === 'validation_failed', bad);
    await t.admin.map.putSettings({ tileUrl: 'https://tiles.example:8443/osm/{z}/{x}/{y}.png' });
    assert.deepEqual(await scoped.map.settings(), { tileUrl: 'https://tiles.example:8443/osm/{z}/{x}/{y}.png' });
    assert.match(await csp(), /img-src 'self' data: https:\/\/tiles\.example:8443;/);
    await t.admin.map.putSettings({ tileUrl: null });
    assert.match(await csp(), /img-src 'self' data:;/);
  });
});
