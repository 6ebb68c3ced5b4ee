import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { SCHEMA_VERSION, deviceTopic, type CellularMessage, type GeofenceShape } from '@outpost/protocol';
import { createClient, type OutpostClient } from '@outpost/client';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// Geofences end to end: a vehicle reports positions with its own certificate over the real broker
// along a route that jitters at a fence's border, enters, jitters again and leaves. Each crossing
// is one device event and one alert; the jitter none.

const M_PER_DEG_LAT = 111_195;
const DEPOT = { lat: 52.52, lon: 13.4 };
const RADIUS_M = 500;
/** A point `m` metres north of the depot fence's border (negative: inside). */
const border = (m: number) => ({ lat: DEPOT.lat + (RADIUS_M + m) / M_PER_DEG_LAT, lon: DEPOT.lon });
const BEACON = { lat: 52.6, lon: 13.4 };

type Refusal = Error & { status?: number; code?: string; details?: Record<string, unknown> };
const refusedWith = (status: number, code: string, reason?: string) => (e: Refusal) => {
  assert.equal(e.status, status, e.message);
  assert.equal(e.code, code, e.message);
  if (reason) assert.equal(e.details?.reason, reason, JSON.stringify(e.details));
  return true;
};

describe('geofences', () => {
  let t: TestHub;
  let truck: EnrolledDevice;
  let yardDev: EnrolledDevice;
  let mq: MqttClient;
  let pumpsOperator: OutpostClient;
  let fixAt = Date.now() - 60_000;

  const report = (p: { lat: number; lon: number }, accuracyM = 6) => {
    fixAt += 1000;
    const m: CellularMessage = {
      v: SCHEMA_VERSION,
      ts: fixAt,
      modems: [],
      counters: { epoch: 'epoch-geofence', interfaces: [] },
      location: { ...p, accuracyM, mode: 3, fixAt },
    };
    return new Promise<void>((resolve, reject) =>
      mq.publish(deviceTopic(truck.id, 'cellular'), JSON.stringify(m), { qos: 1 }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  };
  const events = async (type: string) => (await t.admin.devices.events(truck.id, 500, { type })).items;
  const alertsOf = async (rule: string) => (await t.admin.alerts.list({ rule, device: truck.id })).items;

  before(async () => {
    // No background evaluation: the test runs the engine itself, after each step is filed.
    t = await startTestHub({ alertEvalMs: 600_000 });
    for (const path of ['plant', 'plant/pumps', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    truck = await enrollTestDevice(t, 'truck-1', { group: 'plant/pumps' });
    yardDev = await enrollTestDevice(t, 'yard-1', { group: 'yard' });
    mq = await rawClient(t, truck, truck.id);
    const user = await t.admin.users.create({ username: 'pumps-op', password: 'a-long-password-1', role: 'operator' });
    await t.admin.users.update(user.id, { groups: ['plant/pumps'] });
    const { session } = await t.anonymous().login('pumps-op', 'a-long-password-1');
    pumpsOperator = createClient({ ...t.admin.options, session });
  });
  after(async () => {
    mq?.end(true);
    await t?.stop();
    for (const d of [truck, yardDev]) if (d) rmSync(d.dir, { recursive: true, force: true });
  });

  it('a vehicle entering and leaving a group fence: one event and one alert per crossing, none for jitter', async () => {
    // On the parent group: it applies to the truck in plant/pumps.
    const depot = await t.admin.geofences.create({
      name: 'depot',
      group: 'plant',
      shape: { kind: 'circle', center: DEPOT, radiusM: RADIUS_M },
    });
    // A fence of the truck alone, far north: entering it marks the end of the route.
    const beacon = await t.admin.geofences.create({
      name: 'beacon',
      deviceId: truck.id,
      shape: {
        kind: 'polygon',
        ring: [
          [BEACON.lat - 0.01, BEACON.lon - 0.01],
          [BEACON.lat - 0.01, BEACON.lon + 0.01],
          [BEACON.lat + 0.01, BEACON.lon + 0.01],
          [BEACON.lat + 0.01, BEACON.lon - 0.01],
          [BEACON.lat - 0.01, BEACON.lon - 0.01],
        ],
      },
    });
    const onEnter = await t.admin.rules.create({
      name: 'depot entered',
      type: 'geofence',
      scope: { group: 'plant' },
      params: { on: 'enter', fences: [depot.id] },
    });
    const onLeave = await t.admin.rules.create({
      name: 'depot left',
      type: 'geofence',
      scope: { group: 'plant' },
      params: { on: 'leave', fences: [depot.id] },
    });

    // First fix outside: recorded, no event. Then a fix jittering ±20 m around the border.
    await report(border(300));
    for (const m of [20, -20, 15, -10, 5, -24, 24, -18]) await report(border(m), 5);
    await report(border(-150));
    await eventually(async () => (await events('geofence.enter')).length > 0, 30_000, 100);
    // Reports are handled in order: the enter came after every jitter fix.
    assert.equal((await events('geofence.enter')).length, 1);
    assert.equal((await events('geofence.leave')).length, 0);
    const enter = (await events('geofence.enter'))[0];
    assert.equal(enter.data.fence, 'depot');
    assert.equal(enter.data.fenceId, depot.id);
    await t.admin.alerts.evaluate();
    const fired = await alertsOf(onEnter.id);
    assert.equal(fired.length, 1);
    assert.equal(fired[0].state, 'firing');
    assert.match(fired[0].text, /^entered geofence "depot" at /);
    assert.equal((await alertsOf(onLeave.id)).length, 0);

    // Jitter inside the band, then out by 200 m.
    for (const m of [-20, 20, -5, 24, -24, 10]) await report(border(m), 5);
    await report(border(200));
    await eventually(async () => (await events('geofence.leave')).length > 0, 30_000, 100);
    assert.equal((await events('geofence.enter')).length, 1);
    assert.equal((await events('geofence.leave')).length, 1);
    await t.admin.alerts.evaluate();
    const enterAlerts = await alertsOf(onEnter.id);
    assert.equal(enterAlerts.length, 1);
    assert.equal(enterAlerts[0].state, 'resolved');
    const leaveAlerts = await alertsOf(onLeave.id);
    assert.equal(leaveAlerts.length, 1);
    assert.equal(leaveAlerts[0].state, 'firing');
    assert.match(leaveAlerts[0].text, /^left geofence "depot" at /);

    // Jitter at the border once more (a poor fix too: its 40 m accuracy widens the band), then
    // drive to the beacon: its enter event shows every fix before it was measured.
    for (const m of [20, -20, -35, 10, -24]) await report(border(m), m === -35 ? 40 : 5);
    await report(BEACON);
    await eventually(async () => (await events('geofence.enter')).some((e) => e.data.fence === 'beacon'), 30_000, 100);
    const enters = await events('geofence.enter');
    assert.deepEqual(enters.map((e) => e.data.fence).sort(), ['beacon', 'depot']);
    assert.equal((await events('geofence.leave')).length, 1);
    assert.equal(beacon.deviceId, truck.id);
    await t.admin.alerts.evaluate();
    assert.equal((await alertsOf(onEnter.id)).length, 1, 'no second enter alert');
    assert.equal((await alertsOf(onLeave.id)).length, 1, 'the leave alert stays the one open');
  });

  it('an operator scoped to plant/pumps writes fences there only and sees no others', async () => {
    const circle: GeofenceShape = { kind: 'circle', center: DEPOT, radiusM: 100 };
    const yardFence = await t.admin.geofences.create({ name: 'yard gate', group: 'yard', shape: circle });
    await assert.rejects(
      pumpsOperator.geofences.create({ name: 'outside', group: 'yard', shape: circle }),
      refusedWith(403, 'forbidden', 'outside_scope'),
    );
    await assert.rejects(
      pumpsOperator.geofences.create({ name: 'on parent', group: 'plant', shape: circle }),
      refusedWith(403, 'forbidden', 'outside_scope'),
    );
    await assert.rejects(
      pumpsOperator.geofences.create({ name: 'other device', deviceId: yardDev.id, shape: circle }),
      refusedWith(404, 'device_not_found'),
    );
    await assert.rejects(pumpsOperator.geofences.get(yardFence.id), refusedWith(404, 'not_found'));
    await assert.rejects(pumpsOperator.geofences.delete(yardFence.id), refusedWith(404, 'not_found'));
    const mine = await pumpsOperator.geofences.create({ name: 'pump house', group: 'plant/pumps', shape: circle });
    const own = await pumpsOperator.geofences.create({ name: 'truck yard', deviceId: truck.id, shape: circle });
    const names = (await pumpsOperator.geofences.list()).items.map((f) => f.name).sort();
    assert.deepEqual(names, ['beacon', 'pump house', 'truck yard']);
    const viewer = await t.userClient('viewer');
    await assert.rejects(
      viewer.geofences.create({ name: 'viewer', group: 'yard', shape: circle }),
      refusedWith(403, 'forbidden'),
    );
    assert.ok((await viewer.geofences.list()).items.some((f) => f.id === mine.id));
    await pumpsOperator.geofences.delete(own.id);
    await assert.rejects(t.admin.geofences.get(own.id), refusedWith(404, 'not_found'));
    const audit = await t.admin.audit.list({ limit: 50 });
    const actions = audit.items.map((a) => a.action);
    assert.ok(actions.includes('geofence.create') && actions.includes('geofence.delete'), actions.join(','));
  });

  it('refuses an open ring, 10,000 vertices, latitude 95 and a group and a device together, storing nothing', async () => {
    const before = (await t.admin.geofences.list()).items.length;
    const square = (close: boolean): Array<[number, number]> => [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      ...(close ? [[1, 1] as [number, number]] : []),
    ];
    const bad: Array<[string, Record<string, unknown>]> = [
      ['open ring', { kind: 'polygon', ring: square(false) }],
      // Short coordinates keep the body small: the schema's 501 points at most refuse it.
      ['10,000 vertices', { kind: 'polygon', ring: Array.from({ length: 10_000 }, (_, i) => [i % 80, i % 170]) }],
      ['latitude 95', { kind: 'circle', center: { lat: 95, lon: 0 }, radiusM: 100 }],
      ['radius 0', { kind: 'circle', center: { lat: 5, lon: 0 }, radiusM: 0 }],
    ];
    for (const [name, shape] of bad)
      await assert.rejects(
        t.admin.geofences.create({
          name: `bad ${name}`.replace(/,/g, ''),
          group: 'plant',
          shape: shape as GeofenceShape,
        }),
        refusedWith(400, 'validation_failed'),
        name,
      );
    // At full precision the same ring is larger than any body the hub reads.
    const wide = Array.from({ length: 10_000 }, (_, i): [number, number] => [
      Math.sin((2 * Math.PI * i) / 9999),
      Math.cos((2 * Math.PI * i) / 9999),
    ]);
    await assert.rejects(
      t.admin.geofences.create({ name: 'huge', group: 'plant', shape: { kind: 'polygon', ring: wide } }),
      refusedWith(413, 'payload_too_large'),
    );
    await assert.rejects(
      t.admin.geofences.create({
        name: 'both',
        group: 'plant',
        deviceId: truck.id,
        shape: { kind: 'polygon', ring: square(true) },
      }),
      refusedWith(400, 'validation_failed'),
    );
    assert.equal((await t.admin.geofences.list()).items.length, before);
  });

  it('a group rename moves the fences on it', async () => {
    const f = await t.admin.geofences.create({
      name: 'yard fence',
      group: 'yard',
      shape: { kind: 'circle', center: DEPOT, radiusM: 50 },
    });
    await t.admin.groups.rename('yard', 'storage');
    assert.equal((await t.admin.geofences.get(f.id)).group, 'storage');
  });
});
