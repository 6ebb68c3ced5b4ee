import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type OutpostClient } from '@outpost/client';
import type { Role } from '@outpost/protocol';
import type { Agent } from '@outpost/agent';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { notFound, refusedOutside } from './support/scope-matrix.js';

// The fleet figures that were once closed to group-scoped callers: compliance, reports, notification
// messages, the presence trend and certificate health. Two groups: `plant/pumps` (inside the scope
// `plant`) and `yard` (outside). A scoped caller's answers must count the pumps only, and objects
// about the yard (report runs and schedules, notification messages) must be absent or `404`.

describe('group scopes on compliance, reports, notification messages, presence trend and certificate health', () => {
  let t: TestHub;
  const run = Date.now().toString(36);
  const pumps = [`fig-pump-a-${run}`, `fig-pump-b-${run}`];
  const yard = [`fig-yard-a-${run}`, `fig-yard-b-${run}`];
  const agents: Agent[] = [];
  let viewer: OutpostClient;
  let operator: OutpostClient;
  let channelId = '';

  async function scopedUser(role: Role, groups: string[]): Promise<OutpostClient> {
    const username = `fig-${role}-${groups.join('-').replace(/\//g, '.')}-${run}`;
    const user = await t.admin.users.create({ username, password: 'a-long-password-1', role });
    await t.admin.users.update(user.id, { groups });
    const { session } = await t.anonymous().login(username, 'a-long-password-1');
    return createClient({ ...t.anonymous().options, session });
  }

  before(async () => {
    t = await startTestHub();
    for (const path of ['plant', 'plant/pumps', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    const enrolled = [];
    for (const id of pumps) enrolled.push(await enrollTestDevice(t, id, { group: 'plant/pumps' }));
    for (const id of yard) enrolled.push(await enrollTestDevice(t, id, { group: 'yard' }));
    // One device of each group comes online: the presence trend has a transition on each side.
    agents.push(startTestAgent(t, enrolled[0]), startTestAgent(t, enrolled[2]));
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 2,
      30_000,
    );
    const settings = (port: number) => ({ 'ssh.port': port });
    const template = (name: string, group: string, port: number) => ({
      name,
      priority: 10,
      policy: 'report' as const,
      target: { group },
      settings: settings(port),
    });
    await t.admin.templates.create(template('fig-pumps', 'plant/pumps', 2202));
    await t.admin.templates.create(template('fig-yard', 'yard', 2201));
    const channel = await t.admin.channels.create({
      name: `fig-hook-${run}`,
      kind: 'webhook',
      config: { url: 'http://127.0.0.1:1/unreachable' },
      digest: { waitS: 1, intervalS: 0 },
    });
    channelId = channel.channel.id;
    viewer = await scopedUser('viewer', ['plant']);
    operator = await scopedUser('operator', ['plant']);
  });

  after(async () => {
    for (const a of agents) await a.stop();
    await t.stop();
  });

  it('computes compliance over the scope: summary, rows, history, report and a scan of its devices only', async () => {
    await t.admin.compliance.scan();
    const all = await t.admin.compliance.summary();
    assert.equal(all.overall.devices, 4);
    assert.deepEqual(all.templates.map((x) => x.template).sort(), ['fig-pumps', 'fig-yard']);

    const mine = await viewer.compliance.summary();
    assert.equal(mine.overall.devices, 2);
    assert.deepEqual(
      mine.templates.map((x) => [x.template, x.total]),
      [['fig-pumps', 2]],
    );
    const rows = await viewer.compliance.devices({ limit: 100 });
    assert.deepEqual([...new Set(rows.items.map((r) => r.deviceId))].sort(), [...pumps].sort());
    // A filter acts inside the scope only: it cannot reach the yard.
    assert.deepEqual((await viewer.compliance.devices({ filter: `id = "${yard[0]}"` })).items, []);
    const report = await viewer.compliance.report();
    assert.equal(report.summary.overall.devices, 2);
    assert.deepEqual([...new Set(report.states.map((r) => r.deviceId))].sort(), [...pumps].sort());
    assert.ok(!(await viewer.compliance.reportCsv()).includes('yard'));
    for (const e of (await viewer.compliance.events({ limit: 500 })).items) assert.ok(pumps.includes(e.deviceId));

    // The scope's history is its own: its first read starts it, and every later scan adds to it.
    const first = await viewer.compliance.history();
    assert.deepEqual(
      first.items.map((p) => p.total),
      [2],
    );
    const scanned = await operator.compliance.scan();
    assert.equal(scanned.devices, 2);
    await t.admin.compliance.scan();
    const later = await viewer.compliance.history();
    assert.deepEqual(
      later.items.map((p) => p.total),
      [2, 2, 2],
    );
    assert.ok((await t.admin.compliance.history()).items.every((p) => p.total === 4));
    // The scoped scan is the scope's last scan; the fleet's figures stay the fleet's.
    assert.equal((await viewer.compliance.summary()).lastScan?.devices, 2);
    assert.equal((await t.admin.compliance.summary()).lastScan?.devices, 4);
  });

  it("generates a scoped caller's fleet report over its scope and hides runs and schedules outside it", async () => {
    const fleetWide = await t.admin.reports.run({ kind: 'fleet', periodHours: 1 });
    const yardReport = await t.admin.reports.run({ kind: 'device', deviceId: yard[0], periodHours: 1 });
    const mine = await operator.reports.run({ kind: 'fleet', periodHours: 1 });
    assert.equal(mine.state, 'succeeded');
    const doc = JSON.parse(await operator.reports.content(mine.id, 'json')) as { summary: { devices: number } };
    assert.equal(doc.summary.devices, 2);
    const everyDevice = JSON.parse(await t.admin.reports.content(fleetWide.id, 'json')) as {
      summary: { devices: number };
    };
    assert.equal(everyDevice.summary.devices, 4);
    const pumpReport = await operator.reports.run({ kind: 'device', deviceId: pumps[0], periodHours: 1 });

    // Outside the scope: refused, naming the group, or a device that does not exist.
    await assert.rejects(
      operator.reports.run({ kind: 'fleet', scope: { group: 'yard' }, periodHours: 1 }),
      refusedOutside('yard'),
    );
    await assert.rejects(
      operator.reports.run({ kind: 'device', deviceId: yard[1], periodHours: 1 }),
      (e: { status: number; code: string }) => e.status === 404 && e.code === 'device_not_found',
    );

    const seen = (await viewer.reports.runs({ limit: 500 })).items.map((r) => r.id);
    assert.deepEqual(seen.sort(), [mine.id, pumpReport.id].sort());
    for (const id of [fleetWide.id, yardReport.id]) {
      await assert.rejects(viewer.reports.getRun(id), notFound);
      await assert.rejects(viewer.reports.content(id, 'json'), (e: { status: number }) => e.status === 404);
    }
    assert.equal((await viewer.reports.getRun(pumpReport.id)).id, pumpReport.id);
    const adminSees = (await t.admin.reports.runs({ limit: 500 })).items.map((r) => r.id);
    for (const id of [fleetWide.id, yardReport.id, mine.id, pumpReport.id]) assert.ok(adminSees.includes(id));

    // Schedules belong to their creator's scope.
    const yardSchedule = await t.admin.reports.schedule({
      name: `fig-yard-${run}`,
      kind: 'fleet',
      scope: { group: 'yard' },
      cron: '0 6 * * *',
    });
    const fleetSchedule = await t.admin.reports.schedule({
      name: `fig-fleet-${run}`,
      kind: 'fleet',
      cron: '0 6 * * *',
    });
    const ours = await operator.reports.schedule({ name: `fig-plant-${run}`, kind: 'fleet', cron: '0 6 * * *' });
    assert.deepEqual(ours.scope, { group: 'plant' });
    assert.deepEqual(
      (await viewer.reports.schedules()).items.map((s) => s.id),
      [ours.id],
    );
    for (const id of [yardSchedule.id, fleetSchedule.id]) {
      await assert.rejects(operator.reports.updateSchedule(id, { enabled: false }), notFound);
      await assert.rejects(operator.reports.removeSchedule(id), notFound);
    }
    await assert.rejects(
      operator.reports.updateSchedule(ours.id, { scope: { group: 'yard' } }),
      refusedOutside('yard'),
    );
    assert.equal((await t.admin.reports.schedules()).items.length, 3);
    await operator.reports.removeSchedule(ours.id);
  });

  it('shows a scoped reader the notification messages about its devices only', async () => {
    const test = await t.admin.channels.test(channelId);
    const aboutYard = await t.admin.reports.run({
      kind: 'device',
      deviceId: yard[0],
      periodHours: 1,
      channels: [channelId],
    });
    const aboutPump = await operator.reports.run({
      kind: 'device',
      deviceId: pumps[1],
      periodHours: 1,
      channels: [channelId],
    });
    const [yardMessage, pumpMessage] = [aboutYard.deliveries[0].messageId, aboutPump.deliveries[0].messageId];
    const listed = (await viewer.notifications.list({ limit: 1000 })).items.map((m) => m.id);
    assert.deepEqual(listed, [pumpMessage]);
    assert.equal((await viewer.notifications.get(pumpMessage)).id, pumpMessage);
    for (const id of [yardMessage, test.messageId]) {
      await assert.rejects(viewer.notifications.get(id), notFound);
      await assert.rejects(operator.notifications.retry(id), notFound);
    }
    const everything = (await t.admin.notifications.list({ limit: 1000 })).items.map((m) => m.id);
    for (const id of [yardMessage, pumpMessage, test.messageId]) assert.ok(everything.includes(id));
    // Dead letters follow the same rule: a deleted channel's queued messages become dead letters.
    await t.admin.channels.remove(channelId);
    const dead = (await viewer.notifications.deadLetters()).items.map((m) => m.id);
    assert.ok(dead.every((id) => id === pumpMessage));
    assert.ok((await t.admin.notifications.deadLetters()).items.length >= dead.length);
  });

  it('counts the presence trend and certificate health over the scope', async () => {
    const mine = (await viewer.fleet.presenceTrend(2)).items;
    const all = (await t.admin.fleet.presenceTrend(2)).items;
    const sum = (xs: typeof all, k: 'wentOnline') => xs.reduce((n, p) => n + p[k], 0);
    assert.equal(mine[mine.length - 1].online, 1);
    assert.equal(all[all.length - 1].online, 2);
    assert.equal(sum(mine, 'wentOnline'), 1);
    assert.equal(sum(all, 'wentOnline'), 2);

    const health = await viewer.pki.certificateHealth(365);
    const fleet = await t.admin.pki.certificateHealth(365);
    assert.equal(fleet.lapsingSoon, 4);
    assert.equal(health.lapsingSoon, 2);
  });

  it('refuses a manual evaluation of every rule to all but an admin who sees every device', async () => {
    const admin = await scopedUser('admin', ['plant']);
    await assert.rejects(
      admin.alerts.evaluate(),
      (e: { status: number; code: string; details?: { reason?: string } }) =>
        e.status === 403 && e.code === 'outside_scope' && e.details?.reason === 'global_change',
    );
    await assert.rejects(operator.alerts.evaluate(), (e: { code: string }) => e.code === 'forbidden');
    await t.admin.alerts.evaluate();
  });
});
