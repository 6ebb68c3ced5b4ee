import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { SCHEMA_VERSION, deviceTopic, type DataMessage } from '@outpost/protocol';
import type { OutpostClient } from '@outpost/client';
import { rollupOf } from '../src/domains/streams/rollup.js';
import type { StreamValue } from '../src/domains/streams/index.js';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// Process data end to end: a device publishes `data` batches with its own certificate over the
// real broker; the hub files them once per seq, keeps latest, raw and roll-ups, and answers the API.

const HOUR = 3_600_000;

describe('process data from a device', () => {
  let t: TestHub;
  let dev: EnrolledDevice;
  let other: EnrolledDevice;
  let mq: MqttClient;
  let yardViewer: OutpostClient;
  const t0 = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;

  const publish = (m: Omit<DataMessage, 'v'> | string) =>
    new Promise<void>((resolve, reject) =>
      mq.publish(
        deviceTopic(dev.id, 'data'),
        typeof m === 'string' ? m : JSON.stringify({ v: SCHEMA_VERSION, ...m }),
        { qos: 1 },
        (err) => (err ? reject(err) : resolve()),
      ),
    );

  before(async () => {
    t = await startTestHub({});
    for (const path of ['plant', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    dev = await enrollTestDevice(t, 'tank-1', { group: 'plant' });
    other = await enrollTestDevice(t, 'yard-1', { group: 'yard' });
    mq = await rawClient(t, dev, dev.id);
    const user = await t.admin.users.create({ username: 'yard-viewer', password: 'a-long-password-1', role: 'viewer' });
    await t.admin.users.update(user.id, { groups: ['yard'] });
    yardViewer = await (async () => {
      const c = t.anonymous();
      const { session } = await c.login('yard-viewer', 'a-long-password-1');
      return (await import('@outpost/client')).createClient({ ...c.options, session });
    })();
  });
  after(async () => {
    mq?.end(true);
    await t?.stop();
    for (const d of [dev, other]) if (d) rmSync(d.dir, { recursive: true, force: true });
  });

  it('files a batch once per seq, shows latest value with quality and age, and records a drop report', async () => {
    const first = {
      seq: 1,
      defs: [
        { p: 'tank_level', type: 'number' as const, unit: '%', source: 'modbus-tcp 10.0.0.5:502 unit 1 holding 40001' },
        { p: 'pump1.run', type: 'boolean' as const, writable: true },
      ],
      values: [
        { p: 'tank_level', v: 41.5, t: t0 },
        { p: 'pump1.run', v: true, t: t0 },
      ],
    };
    await publish(first);
    await publish(first);
    await publish({
      seq: 2,
      values: [{ p: 'tank_level', v: null, q: 'bad' as const, r: 'timeout', t: t0 + 1000 }],
      dropped: { count: 17, from: t0 - 60_000, to: t0 - 1000 },
    });
    await publish('{"v":1,"seq":3,"values":[{"p":"Not A Name","v":1,"t":1}]}');
    const points = await eventually(async () => {
      const { items } = await t.admin.data.points(dev.id);
      return items.find((p) => p.point === 'tank_level')?.quality === 'bad' ? items : null;
    }, 30_000);
    const level = points.find((p) => p.point === 'tank_level')!;
    assert.equal(level.value, null);
    assert.equal(level.reason, 'timeout');
    assert.equal(level.unit, '%');
    assert.ok(level.ageS !== null && level.ageS >= 4 * 3600 - 60, String(level.ageS));
    assert.deepEqual(
      points.map((p) => [p.point, p.writable, p.writesEnabled]),
      [
        ['pump1.run', true, false],
        ['tank_level', false, false],
      ],
    );
    const raw = await t.admin.data.history(dev.id, 'tank_level', {
      from: new Date(t0 - HOUR).toISOString(),
      to: new Date(t0 + HOUR).toISOString(),
      interval: 'raw',
    });
    assert.deepEqual(
      raw.rows.map((r) => [r.value, r.quality]),
      [
        [41.5, 'good'],
        [null, 'bad'],
      ],
    );
    const events = await eventually(
      async () => (await t.admin.devices.events(dev.id, 10, { type: 'data.dropped' })).items[0],
    );
    assert.equal(events.data.count, 17);
    assert.match(t.logText(), /data batch rejected/);
  });

  it('keeps roll-ups equal to a computation over the raw values, and exports CSV guarded against formulas', async () => {
    const values: StreamValue[] = [];
    for (let i = 0; i < 360; i++)
      values.push({
        deviceId: dev.id,
        point: 'flow',
        value: Math.round(50 + 40 * Math.sin(i / 11)),
        quality: 'good',
        sourceTs: t0 + HOUR + i * 15_000,
        receivedAt: 0,
      });
    // Four batches, the last two out of order as a replayed backlog would be.
    const parts = [values.slice(0, 90), values.slice(90, 180), values.slice(270), values.slice(180, 270)];
    let seq = 10;
    for (const p of parts)
      await publish({
        seq: seq++,
        backlog: true,
        values: p.map((v) => ({ p: 'flow', v: v.value as number, t: v.sourceTs })),
      });
    await publish({ seq: seq++, values: [{ p: 'mode', v: '=HYPERLINK("http://x")', t: t0 + HOUR }] });
    const range = { from: new Date(t0).toISOString(), to: new Date(t0 + 3 * HOUR).toISOString() };
    for (const tier of ['1m', '1h'] as const) {
      const want = rollupOf(tier, values);
      const got = await eventually(async () => {
        const h = await t.admin.data.history(dev.id, 'flow', { ...range, interval: tier });
        return h.rows.reduce((n, r) => n + (r.count ?? 0), 0) === values.length ? h : null;
      }, 30_000);
      assert.deepEqual(
        got.rows.map((r) => [Date.parse(r.ts), r.min, r.max, r.count, r.first, r.last, Math.round(r.mean! * 1e6)]),
        want.map((w) => [w.ts, w.min, w.max, w.count, w.first, w.last, Math.round(w.mean * 1e6)]),
      );
    }
    // Without an interval, three hours are read raw.
    assert.equal((await t.admin.data.history(dev.id, 'flow', range)).interval, 'raw');
    const csv = await t.admin.data.historyCsv(dev.id, 'flow', { ...range, interval: '1h', aggregate: 'max' });
    assert.equal(csv.split('\r\n')[0], 'ts,min,max,mean,count,first,last');
    assert.equal(csv.split('\r\n').filter(Boolean).length, 1 + rollupOf('1h', values).length);
    const modeCsv = await eventually(() => t.admin.data.historyCsv(dev.id, 'mode', { ...range, interval: 'raw' }));
    assert.match(modeCsv, /,"'=HYPERLINK\(""http:\/\/x""\)",good,/);
  });

  it('answers a caller scoped to other groups 404 for the device, and refuses bad ranges with a reason', async () => {
    await assert.rejects(yardViewer.data.points(dev.id), (e: Error & { status?: number; code?: string }) => {
      assert.equal(e.code, 'device_not_found');
      return true;
    });
    assert.deepEqual((await yardViewer.data.points(other.id)).items, []);
    await assert.rejects(
      t.admin.data.history(dev.id, 'flow', { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      (e: Error & { code?: string }) => e.code === 'validation_failed' && /to must be after from/.test(e.message),
    );
    await assert.rejects(
      t.admin.data.history(dev.id, 'nope', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }),
      (e: Error & { code?: string }) => e.code === 'not_found',
    );
  });

  it('lets an admin enable writes only on a point the agent declares writable, and audits it', async () => {
    await assert.rejects(
      t.admin.data.setWrites(dev.id, 'tank_level', true),
      (e: Error & { code?: string }) => e.code === 'conflict' && /not declare this point writable/.test(e.message),
    );
    const operator = await t.userClient('operator');
    await assert.rejects(
      operator.data.setWrites(dev.id, 'pump1.run', true),
      (e: Error & { code?: string }) => e.code === 'forbidden',
    );
    const on = await t.admin.data.setWrites(dev.id, 'pump1.run', true);
    assert.equal(on.writesEnabled, true);
    const audit = await t.admin.audit.list({ action: 'data.writes_enabled', limit: 5 });
    assert.equal(audit.items[0]?.target, `device:${dev.id}`);
  });
});
