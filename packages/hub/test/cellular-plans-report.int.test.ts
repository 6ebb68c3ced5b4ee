import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { ApiError, createClient, type OutpostClient } from '@outpost/client';
import { SCHEMA_VERSION, deviceTopic, type CellularMessage, type Role } from '@outpost/protocol';
import type { ManualClock } from '../src/platform/manual-clock.js';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';
import { eventually, hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';

// The cellular panel's hub side with a real hub and devices speaking MQTT: signal history, group
// plans applied and overridden, the data-usage report with its scope, and the usage spike rule
// firing once and resolving. Time is the hub's clock, set back over the days the spike needs.

const MB = 1_000_000;
const GB = 1000 * MB;
const DAY = 86_400_000;
const run = Date.now().toString(36);

interface Modemless {
  carrier?: string;
  rsrp?: number;
  noModem?: boolean;
}

function report(clock: ManualClock, iccid: string, totalBytes: number, o: Modemless = {}): CellularMessage {
  return {
    v: SCHEMA_VERSION,
    ts: clock.now().getTime(),
    modems: o.noModem
      ? []
      : [
          {
            index: 0,
            manufacturer: 'Quectel',
            model: 'EG25-G',
            firmware: 'EG25GGBR07A08M2G',
            equipmentId: '356789012345678',
            state: 'connected',
            accessTechnologies: ['lte'],
            rat: 'lte',
            signalQuality: 60,
            registration: 'home',
            roaming: false,
            operator: { name: o.carrier ?? 'Telekom.de', mcc: '262', mnc: '01' },
            sim: { iccid, imsi: '262011234567890' },
            signal: { lte: { rsrp: o.rsrp ?? -95, rsrq: -11, snr: 9.5, rssi: -67 } },
            apn: 'internet.m2m',
            interface: 'wwan0',
          },
        ],
    counters: { epoch: 'epoch-test-01', interfaces: [{ name: 'wwan0', rxBytes: totalBytes, txBytes: 0 }] },
  };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => assert.fail('expected a refusal'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof ApiError, String(e));
  return e;
}

describe('cellular: signal history, group plans, usage report, usage spike', () => {
  let t: TestHub;
  let clock: ManualClock;
  const devs: EnrolledDevice[] = [];
  const links = new Map<string, MqttClient>();
  const iccid = (n: number) => `89490200001234567${String(n).padStart(3, '0')}`;
  const id = (name: string) => `cell-${name}-${run}`;

  async function send(devId: string, msg: CellularMessage) {
    await links.get(devId)!.publishAsync(deviceTopic(devId, 'cellular'), JSON.stringify(msg), { qos: 1 });
  }
  /** Sends a report and waits until the hub has filed it (the inventory carries its time). */
  async function filed(devId: string, msg: CellularMessage) {
    await send(devId, msg);
    // The hub files a report at its own time, which is never before the report's.
    const at = new Date(msg.ts).toISOString();
    await eventually(async () => {
      const seen = await t.admin.cellular.device(devId).catch(() => null);
      return seen !== null && seen.inventory.updatedAt >= at;
    }, 20_000);
  }
  let users = 0;
  async function scoped(role: Role, groups: string[]): Promise<OutpostClient> {
    const username = `cell-${role}-${++users}-${run}`;
    const user = await t.admin.users.create({ username, password: 'a-long-password-1', role });
    await t.admin.users.update(user.id, { groups });
    const { session } = await t.anonymous().login(username, 'a-long-password-1');
    return createClient({ ...t.anonymous().options, session });
  }

  before(async () => {
    clock = hubTestClock();
    t = await startTestHub({}, undefined, { clock });
    for (const path of ['north', 'north/pumps', 'south']) await t.admin.groups.create({ path, kind: 'static' });
    const placed: Array<[string, string]> = [
      ['pump', 'north/pumps'],
      ['well', 'north'],
      ['yard', 'south'],
      ['spiky', 'south'],
      ['bare', 'south'],
    ];
    for (const [name, group] of placed) {
      const d = await enrollTestDevice(t, id(name), { group });
      devs.push(d);
      const mq = await rawClient(t, d, d.id);
      links.set(d.id, mq);
      await mq.publishAsync(
        deviceTopic(d.id, 'hello'),
        JSON.stringify({
          v: SCHEMA_VERSION,
          agentVersion: 'test',
          firmware: '1',
          model: 'cell-test',
          bootId: 'b1',
          healthIntervalS: 30,
          capabilities: [],
        }),
        { qos: 1 },
      );
    }
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 5,
      20_000,
    );
  });

  after(async () => {
    for (const mq of links.values()) mq.end(true);
    await t?.stop();
    for (const d of devs) rmSync(d.dir, { recursive: true, force: true });
  });

  it('keeps signal readings and rolls them up per bucket; a bad range is refused with a stable code', async () => {
    const pump = id('pump');
    await filed(pump, report(clock, iccid(1), 10 * MB, { rsrp: -90 }));
    await clock.advance(1000);
    await filed(pump, report(clock, iccid(1), 20 * MB, { rsrp: -100 }));
    const h = await t.admin.cellular.signal(pump);
    assert.equal(h.bucketS, 300);
    const n = h.points.reduce((s, p) => s + p.n, 0);
    assert.equal(n, 2);
    const last = h.points[h.points.length - 1];
    assert.equal(last.rat, 'lte');
    assert.ok(h.points.some((p) => p.rsrpMin === -100));
    assert.equal(h.points.find((p) => p.n === 2)?.rsrp ?? -95, -95);
    const month = await t.admin.cellular.signal(pump, {
      from: new Date(clock.now().getTime() - 30 * DAY).toISOString(),
    });
    assert.equal(month.bucketS, 7200);
    const backwards = await refusal(
      t.admin.cellular.signal(pump, { from: clock.now().toISOString(), to: '2020-01-01T00:00:00Z' }),
    );
    assert.equal(backwards.status, 400);
    assert.equal(backwards.code, 'validation_failed');
    const garbage = await refusal(t.admin.cellular.signal(pump, { from: 'yesterday' }));
    assert.equal(garbage.code, 'validation_failed');
    assert.match(garbage.message, /from must be a date and time/);
    const tooLong = await refusal(t.admin.cellular.signal(pump, { from: '2000-01-01T00:00:00Z' }));
    assert.match(tooLong.message, /at most 400 days/);
  });

  it('applies a group plan to the group and its subgroups, a SIM plan overrides it, and a modemless device shows none', async () => {
    await filed(id('well'), report(clock, iccid(2), 300 * MB, { carrier: '=SUM(A1:A9)' }));
    await filed(id('yard'), report(clock, iccid(3), 100 * MB, { carrier: 'Vodafone.de' }));
    await filed(id('bare'), report(clock, iccid(9), 0, { noModem: true }));
    await t.admin.cellular.setGroupPlan({ group: 'north', limitBytes: 1 * GB, cycleStartDay: 1 });
    await t.admin.cellular.setGroupPlan({ group: 'south', limitBytes: 2 * GB, cycleStartDay: 1 });
    const pump = await t.admin.cellular.device(id('pump'));
    assert.deepEqual(pump.plan, { source: 'group', group: 'north', limitBytes: 1 * GB, cycleStartDay: 1 });
    assert.equal(pump.cycle?.usedBytes, 20 * MB);
    // A deeper group plan wins for the devices below it; the parent's still holds for the others.
    await t.admin.cellular.setGroupPlan({ group: 'north/pumps', limitBytes: 500 * MB, cycleStartDay: 1 });
    assert.equal((await t.admin.cellular.device(id('pump'))).plan?.group, 'north/pumps');
    assert.equal((await t.admin.cellular.device(id('well'))).plan?.group, 'north');
    // The SIM's own plan overrides the group's.
    await t.admin.cellular.setPlan(id('well'), { limitBytes: 3 * GB, cycleStartDay: 1 });
    assert.deepEqual((await t.admin.cellular.device(id('well'))).plan, {
      source: 'sim',
      limitBytes: 3 * GB,
      cycleStartDay: 1,
    });
    const bare = await t.admin.cellular.device(id('bare'));
    assert.equal(bare.inventory.iccid, null);
    assert.equal(bare.plan, null);
    assert.equal(bare.cycle, null);

    const missing = await refusal(t.admin.cellular.setGroupPlan({ group: 'east', limitBytes: GB, cycleStartDay: 1 }));
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'not_found');
    const badDay = await refusal(t.admin.cellular.setGroupPlan({ group: 'north', limitBytes: GB, cycleStartDay: 29 }));
    assert.equal(badDay.code, 'validation_failed');
    assert.equal((await t.admin.cellular.groupPlans()).items.find((p) => p.group === 'north')?.cycleStartDay, 1);

    const viewer = await t.userClient('viewer');
    const notOperator = await refusal(
      viewer.cellular.setGroupPlan({ group: 'north', limitBytes: GB, cycleStartDay: 1 }),
    );
    assert.equal(notOperator.code, 'forbidden');
    const northOperator = await scoped('operator', ['north']);
    const outside = await refusal(
      northOperator.cellular.setGroupPlan({ group: 'south', limitBytes: GB, cycleStartDay: 1 }),
    );
    assert.equal(outside.status, 403);
    assert.equal(outside.code, 'outside_scope');
    assert.equal(outside.details?.reason, 'group_outside_scope');
    assert.deepEqual(
      (await northOperator.cellular.groupPlans()).items.map((p) => p.group),
      ['north', 'north/pumps'],
    );
  });

  it('reports use per SIM against its plan with totals per carrier and group, as JSON, CSV and HTML, within the scope', async () => {
    const r = await t.admin.cellular.usageReport();
    const byIccid = new Map(r.lines.map((l) => [l.iccid, l]));
    assert.deepEqual(
      [...byIccid.keys()].sort(),
      [iccid(1), iccid(2), iccid(3)],
      'the modemless device has no SIM and no use',
    );
    const pump = byIccid.get(iccid(1))!;
    assert.equal(pump.planSource, 'group');
    assert.equal(pump.limitBytes, 500 * MB);
    assert.equal(pump.usedBytes, 20 * MB);
    assert.equal(pump.pctOfPlan, 4);
    assert.equal(pump.group, 'north/pumps');
    assert.equal(byIccid.get(iccid(2))!.planSource, 'sim');
    assert.equal(byIccid.get(iccid(3))!.limitBytes, 2 * GB);
    assert.equal(r.total.usedBytes, 420 * MB);
    assert.deepEqual(
      r.byGroup.map((g) => [g.key, g.usedBytes]),
      [
        ['north', 300 * MB],
        ['south', 100 * MB],
        ['north/pumps', 20 * MB],
      ],
    );
    assert.equal(r.byCarrier.find((c) => c.key === 'Vodafone.de')?.sims, 1);

    const csv = await t.admin.cellular.usageReportText('csv');
    const rows = csv.trim().split('\r\n');
    assert.equal(
      rows[0],
      'iccid,device_id,device_name,carrier,group,cycle_start,cycle_end,plan_source,limit_bytes,used_bytes,pct_of_plan,projected_bytes',
    );
    assert.equal(rows.length, 4);
    // A carrier name that a spreadsheet would run as a formula is written as text.
    assert.ok(csv.includes(`"'=SUM(A1:A9)"`) || csv.includes(`'=SUM(A1:A9)`), csv);
    assert.ok(!/,=SUM/.test(csv));
    const html = await t.admin.cellular.usageReportText('html');
    assert.match(html, /<h1>Cellular data usage<\/h1>/);
    assert.ok(html.includes(iccid(3)) && html.includes('Per carrier') && html.includes('north/pumps'));

    const southOnly = await t.admin.cellular.usageReport({ group: 'south' });
    assert.deepEqual(
      southOnly.lines.map((l) => l.iccid),
      [iccid(3)],
    );

    const northViewer = await scoped('viewer', ['north']);
    const seen = await northViewer.cellular.usageReport();
    assert.deepEqual(seen.lines.map((l) => l.iccid).sort(), [iccid(1), iccid(2)]);
    const outside = await refusal(northViewer.cellular.usageReport({ group: 'south' }));
    assert.equal(outside.status, 403);
    assert.equal(outside.code, 'outside_scope');
    const outsideCsv = await refusal(northViewer.cellular.usageReportText('csv', { group: 'south' }));
    assert.equal(outsideCsv.code, 'outside_scope');
    const badDay = await refusal(t.admin.cellular.usageReport({ at: '2026-02-30' }));
    assert.equal(badDay.code, 'validation_failed');
    const badShape = await refusal(t.admin.cellular.usageReport({ at: 'last month' }));
    assert.equal(badShape.code, 'validation_failed');
  });

  it('a group plan follows a group rename', async () => {
    await t.admin.groups.rename('north/pumps', 'north/lift-pumps');
    const groups = (await t.admin.cellular.groupPlans()).items.map((p) => p.group);
    assert.deepEqual(groups, ['north', 'north/lift-pumps', 'south']);
    assert.equal((await t.admin.cellular.device(id('pump'))).plan?.group, 'north/lift-pumps');
  });

  it('the usage spike rule fires once on a spike and resolves when use is back to normal', async () => {
    const spiky = id('spiky');
    const rule = await t.admin.rules.create({
      name: `spike ${run}`,
      type: 'cellular_usage_spike',
      severity: 'warning',
      params: {},
      scope: { filter: `id = "${spiky}"` },
    });
    const now = clock.now().getTime();
    // Ten days ago the device starts; it moves 100 MB a day for eight days. The hub's clock is set back
    // to each day: the jobs of the running hub are due at the present and stay asleep meanwhile.
    let total = 0;
    const start = now - 10 * DAY;
    for (let day = 0; day <= 8; day++) {
      clock.set(start + day * DAY);
      total += 100 * MB;
      await filed(spiky, report(clock, iccid(4), total));
    }
    const open = async () => (await t.admin.alerts.list({ state: 'open' })).items.filter((a) => a.ruleId === rule.id);
    await t.admin.alerts.evaluate();
    assert.equal((await open()).length, 0, 'a steady 100 MB a day is no spike');
    // Half a day later, 600 MB at once.
    clock.set(start + 8.5 * DAY);
    total += 600 * MB;
    await filed(spiky, report(clock, iccid(4), total));
    await t.admin.alerts.evaluate();
    const fired = await open();
    assert.equal(fired.length, 1);
    assert.equal(fired[0].deviceId, spiky);
    await t.admin.alerts.evaluate();
    assert.deepEqual(
      (await open()).map((a) => a.id),
      [fired[0].id],
      'the same spike keeps one alert',
    );
    // A day and a half later only a little more: the alert resolves.
    clock.set(start + 10 * DAY - 60_000);
    total += 5 * MB;
    await filed(spiky, report(clock, iccid(4), total));
    await t.admin.alerts.evaluate();
    assert.equal((await open()).length, 0);
    const resolved = (await t.admin.alerts.list({ state: 'resolved' })).items.filter((a) => a.ruleId === rule.id);
    assert.deepEqual(
      resolved.map((a) => a.id),
      [fired[0].id],
    );
    clock.set(Math.max(now, clock.now().getTime()));
  });
});
