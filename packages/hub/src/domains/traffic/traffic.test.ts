import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, hourIso, hourOfWeek } from '../fleet/index.js';
import { silent, testClock, testDb } from '../fleet/monitoring.fixture.js';
import { chooseBaseline, mad, median } from './baseline.js';
import { createTrafficService } from './traffic.service.js';
import { createTrafficStore } from './traffic.store.js';

describe('robust baselines', () => {
  it('median and MAD shrug off outliers that drag a mean', () => {
    const v = [100, 102, 98, 101, 99, 100, 5000];
    assert.equal(median(v), 100);
    assert.equal(mad(v), 1);
    assert.ok(v.reduce((a, b) => a + b) / v.length > 700, 'the mean is dragged to 800');
  });

  it('prefers the same hour of the week, then of the day, then recent samples', () => {
    assert.equal(
      chooseBaseline({ sameHourOfWeek: [1, 2, 3], sameHourOfDay: [9, 9, 9], recent: [] })?.source,
      'hour-of-week',
    );
    assert.equal(
      chooseBaseline({ sameHourOfWeek: [1, 2], sameHourOfDay: [9, 9, 9], recent: [] })?.source,
      'hour-of-day',
    );
    assert.equal(
      chooseBaseline({ sameHourOfWeek: [], sameHourOfDay: [], recent: Array(10).fill(5) })?.source,
      'recent',
    );
    assert.equal(chooseBaseline({ sameHourOfWeek: [], sameHourOfDay: [1], recent: Array(9).fill(5) }), null);
  });
});

describe('traffic service', () => {
  let env: Awaited<ReturnType<typeof testDb>>;
  const clock = testClock(Date.parse('2026-03-02T10:30:00Z')); // a Monday
  beforeEach(async () => {
    env = await testDb();
  });
  afterEach(() => env.close());

  const flows = (bytes: number, ports: Array<[string, number, string]> = [['tcp', 443, 'out']]) =>
    Buffer.from(
      JSON.stringify({
        v: 1,
        ts: clock.now().getTime(),
        periodS: 60,
        interfaces: [{ name: 'wwan0', rxBytes: bytes * 0.7, txBytes: bytes * 0.3, rxPackets: 10, txPackets: 5 }],
        ports: ports.map(([proto, port, dir]) => ({ proto, port, dir, conns: 1 })),
      }),
    );

  it('uses the same hour of past weeks as the baseline, and rolls samples up per hour', async () => {
    const store = createTrafficStore(env.db);
    // Four past Mondays 10:00–11:00 at ~1 kB/s, plus a busy Tuesday hour that must not count.
    const now = clock.now().getTime();
    const rows = [1, 2, 3, 4]
      .map((w) => now - w * 7 * 24 * HOUR_MS)
      .map((t, i) => ({
        device_id: 'd1',
        hour: hourIso(t),
        how: hourOfWeek(t),
        bytes: (1000 + i * 10) * 3600,
        packets: 1,
        seconds: 3600,
        samples: 60,
      }));
    rows.push({
      device_id: 'd1',
      hour: hourIso(now - 6 * 24 * HOUR_MS),
      how: hourOfWeek(now - 6 * 24 * HOUR_MS),
      bytes: 99e6 * 3600,
      packets: 1,
      seconds: 3600,
      samples: 60,
    });
    await env.db.insertInto('traffic_hourly').values(rows).execute();
    const svc = createTrafficService({ store, clock, logger: silent, learningS: 0, flushMs: 5 });
    await svc.onFlows('d1', flows(3100 * 60));
    const s = svc.reader.status('d1')!;
    assert.equal(s.baseline?.source, 'hour-of-week');
    assert.equal(s.baseline?.points, 4);
    assert.equal(Math.round(s.baseline!.median), 1015);
    assert.ok(s.bytesPerS > 3 * s.baseline!.median);
    await svc.flush();
    const hour = await env.db
      .selectFrom('traffic_hourly')
      .selectAll()
      .where('device_id', '=', 'd1')
      .where('hour', '=', hourIso(now))
      .executeTakeFirstOrThrow();
    assert.equal(hour.bytes, 3100 * 60);
    assert.equal(hour.samples, 1);
  });

  it('learns ports during the learning period and marks later ones as new', async () => {
    const svc = createTrafficService({
      store: createTrafficStore(env.db),
      clock,
      logger: silent,
      learningS: 60,
      flushMs: 5,
    });
    await svc.onFlows(
      'd2',
      flows(1000, [
        ['tcp', 443, 'out'],
        ['tcp', 502, 'in'],
      ]),
    );
    await clock.advance(61_000);
    await svc.onFlows(
      'd2',
      flows(1000, [
        ['tcp', 443, 'out'],
        ['udp', 1194, 'out'],
      ]),
    );
    const fresh = await svc.reader.newPortsSince(new Date(0).toISOString());
    assert.deepEqual(
      fresh.get('d2')?.map((p) => `${p.proto}/${p.port}/${p.dir}`),
      ['udp/1194/out'],
    );
    await svc.onFlows('d2', Buffer.from('{"v":1,"ts":1}'));
    assert.equal(
      (await svc.reader.newPortsSince(new Date(0).toISOString())).get('d2')?.length,
      1,
      'a bad report changes nothing',
    );
  });
});
