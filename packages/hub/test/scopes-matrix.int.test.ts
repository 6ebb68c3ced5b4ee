import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@outpost/client';
import { ROUTES, routeAllows, routeKey, type GuardPolicyInput, type Role } from '@outpost/protocol';
import type { Agent } from '@outpost/agent';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { eventsOf, openStream, type LiveStream } from './support/live-stream.js';
import { releaseArtifact, setupTrust } from './support/updates.js';
import {
  callRoute,
  expectedRefusal,
  notFound,
  REFUSAL_CODES,
  REFUSAL_STATUS,
  refusedOutside,
  type MatrixCaller as Caller,
} from './support/scope-matrix.js';

// Route × role × scope, generated from the route table: every route, every role, each role both
// unscoped and confined to the `plant` groups. Two groups of devices: `plant/pumps` (in scope)
// and `yard` (outside). Objects about `yard` (a rollout, a template, an alert rule, a guard
// policy, a shared view, a command) exist too: no answer to a scoped caller may mention them.

const ROLES: Role[] = ['admin', 'operator', 'viewer', 'technician', 'auditor'];

// Calls that end the caller's own session: their answer is no scope's business and they would
// sign the matrix's users out. They still face the role check below.
const SELF_ENDING = new Set(['auth.logout']);
// Answers that do not end (an event stream, a WebSocket): called only where a refusal is expected;
// the stream's own scoping is the last test's.
const ENDLESS = new Set(ROUTES.filter((r) => r.websocket || r.id === 'live.stream').map((r) => r.id));

const GUARD_POLICY: GuardPolicyInput = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'exception',
};

function template(name: string, group: string) {
  return { name, priority: 10, policy: 'report' as const, target: { group } };
}

function offlineRule(name: string, group: string) {
  return { name, type: 'offline', params: { afterS: 600 }, scope: { group } };
}

describe('group scopes on every route and on the live stream', () => {
  let t: TestHub;
  const run = Date.now().toString(36);
  const pumps = [`pump-a-${run}`, `pump-b-${run}`];
  const yard = [`yard-a-${run}`, `yard-b-${run}`];
  const callers: Caller[] = [];
  const agents: Agent[] = [];
  const streams: LiveStream[] = [];
  const seeded = { artifactId: '', yardRollout: '', yardRule: '', yardView: '' };

  async function caller(role: Role, groups: string[]): Promise<Caller> {
    const username = `${role}-${groups.length ? groups.join('-').replace(/\//g, '.') : 'all'}-${run}`;
    const user = await t.admin.users.create({ username, password: 'a-long-password-1', role });
    if (groups.length) await t.admin.users.update(user.id, { groups });
    const { session } = await t.anonymous().login(username, 'a-long-password-1');
    const client = createClient({ ...t.anonymous().options, session });
    return { role, scoped: groups.length > 0, client, session, username };
  }

  before(async () => {
    t = await startTestHub();
    for (const path of ['plant', 'plant/pumps', 'yard']) await t.admin.groups.create({ path, kind: 'static' });
    await t.admin.groups.create({ path: 'red', kind: 'dynamic', filter: 'tag.color = "red"' });
    for (const id of pumps) await enrollTestDevice(t, id, { group: 'plant/pumps' });
    for (const id of yard) await enrollTestDevice(t, id, { group: 'yard' });
    for (const role of ROLES) callers.push(await caller(role, []), await caller(role, ['plant']));
    await seedObjects();
  });

  /** Objects about `yard` (outside the scope) and about `plant/pumps` (inside), made by an unscoped admin. */
  async function seedObjects() {
    const { keys } = await setupTrust(t);
    seeded.artifactId = (await releaseArtifact(t, keys, { name: `fw-${run}`, version: '2.0.0', models: ['m1'] })).id;
    const artifactId = seeded.artifactId;
    seeded.yardRollout = (
      await t.admin.rollouts.create({ name: 'to the yard', artifactId, target: { group: 'yard' }, start: false })
    ).id;
    const settings = (port: number) => ({ 'ssh.port': port });
    await t.admin.templates.create({ ...template('yard-settings', 'yard'), settings: settings(2201) });
    await t.admin.templates.create({ ...template('pumps-settings', 'plant/pumps'), settings: settings(2202) });
    seeded.yardRule = (await t.admin.rules.create(offlineRule('yard-offline', 'yard'))).id;
    await t.admin.rules.create(offlineRule('pumps-offline', 'plant/pumps'));
    await t.admin.guard.setGroupPolicy('yard', GUARD_POLICY);
    seeded.yardView = (await t.admin.views.create({ name: 'yard-view', filter: 'group = "yard"', shared: true })).id;
    await t.admin.devices.command(yard[0], 'reboot', { timeoutS: 60 });
  }
  after(async () => {
    for (const s of streams) s.close();
    for (const a of agents) await a.stop();
    await t.stop();
  });

  // First, before any scoped caller has acted (its own actions may name what it was refused).
  it('tells a scoped caller nothing about devices or objects outside its scope, on any route it may read', async () => {
    const leaks: string[] = [];
    let scanned = 0;
    const reads = ROUTES.filter((r) => r.method === 'GET' && r.role !== 'public' && !ENDLESS.has(r.id));
    for (const c of callers.filter((x) => x.scoped)) {
      const allowed = reads.filter((r) => routeAllows(c.role, r));
      for (let i = 0; i < allowed.length; i += 16)
        await Promise.all(
          allowed.slice(i, i + 16).map(async (route) => {
            const got = await callRoute(c, route, pumps[0]);
            if (got.status !== 200) return;
            scanned++;
            const at = got.text.indexOf('yard');
            if (at >= 0) leaks.push(`${c.role} ${routeKey(route)}: …${got.text.slice(Math.max(0, at - 80), at + 40)}…`);
          }),
        );
    }
    assert.deepEqual(leaks, []);
    assert.ok(scanned >= 60, `only ${scanned} answers read`);
    // The same reads, unscoped, do show the yard: the scan would see a leak.
    const all = callers.find((c) => c.role === 'admin' && !c.scoped)!;
    const seen = await Promise.all(
      ['rollouts.list', 'configs.templates', 'alerts.rules', 'guard.policies', 'commands.list'].map(async (id) => {
        const route = ROUTES.find((r) => r.id === id);
        return route ? (await callRoute(all, route, pumps[0])).text.includes('yard') : true;
      }),
    );
    assert.deepEqual(seen, [true, true, true, true, true]);
  });

  it('hides objects about groups outside the scope as if absent, and refuses targets outside it naming the group', async () => {
    const op = scopedAs('operator').client;
    const { artifactId, yardRollout, yardRule, yardView } = seeded;
    await assert.rejects(op.rollouts.get(yardRollout), notFound);
    await assert.rejects(op.rollouts.jobs(yardRollout), notFound);
    await assert.rejects(op.rollouts.cancel(yardRollout), notFound);
    await assert.rejects(op.templates.get('yard-settings'), notFound);
    await assert.rejects(op.rules.get(yardRule), notFound);
    await assert.rejects(op.rules.remove(yardRule), notFound);
    await assert.rejects(op.guard.groupPolicy('yard'), notFound);
    await assert.rejects(op.views.get(yardView), notFound);
    assert.deepEqual(
      (await op.templates.list()).items.map((x) => x.name),
      ['pumps-settings'],
    );
    assert.deepEqual(
      (await op.rules.list()).items.map((x) => x.name),
      ['pumps-offline'],
    );

    await assert.rejects(
      op.rollouts.create({ name: 'r', artifactId, target: { group: 'yard' }, start: false }),
      refusedOutside('yard'),
    );
    await assert.rejects(
      op.templates.create({ ...template('t', 'yard'), settings: { 'ssh.port': 22 } }),
      refusedOutside('yard'),
    );
    await assert.rejects(op.rules.create(offlineRule('r', 'yard')), refusedOutside('yard'));
    await assert.rejects(op.guard.setGroupPolicy('yard', GUARD_POLICY), refusedOutside('yard'));
    await assert.rejects(op.groups.create({ path: 'yard/shed', kind: 'static' }), refusedOutside('yard/shed'));
    await assert.rejects(
      op.groups.addMembers('plant/pumps', { deviceIds: [yard[0]] }),
      (e: { status: number; code: string }) => e.status === 404 && e.code === 'device_not_found',
    );
    // A dynamic group inside the scope would widen it to all its filter selects.
    await assert.rejects(
      op.groups.create({ path: 'plant/all', kind: 'dynamic', filter: 'id ~ ""' }),
      (e: { status: number; code: string; details?: { reason?: string } }) =>
        e.status === 403 && e.code === 'forbidden' && e.details?.reason === 'outside_scope',
    );
    // Nothing of it happened.
    assert.equal((await t.admin.groups.get('plant/pumps')).deviceCount, 2);
    assert.equal((await t.admin.rollouts.list()).items.filter((r) => r.target.group === 'yard').length, 1);
    // Inside the scope the same operator may act.
    await op.guard.setGroupPolicy('plant/pumps', GUARD_POLICY);
    await op.groups.create({ path: 'plant/valves', kind: 'static' });
    assert.deepEqual(await op.groups.addMembers('plant/valves', { filter: `id ~ "${run}"` }), {
      matched: 2,
      changed: 2,
    });
    await op.groups.remove('plant/valves');
    await op.guard.clearGroupPolicy('plant/pumps');
  });

  it("narrows a scoped operator's filter rollout to its groups, in the preview and when it runs", async () => {
    const op = scopedAs('operator').client;
    const input = { name: 'by filter', artifactId: seeded.artifactId, target: { filter: `id ~ "${run}"` } };
    assert.equal((await op.rollouts.preview(input)).total, 2);
    assert.ok((await t.admin.rollouts.preview(input)).total >= 4, 'the filter alone reaches the yard too');
    const r = await op.rollouts.create({ ...input, waves: [{ percent: 100 }] });
    assert.deepEqual(r.target, input.target);
    const jobs = await eventually(async () => {
      const items = (await t.admin.rollouts.jobs(r.id)).items;
      return items.length > 0 ? items : null;
    }, 30_000);
    assert.deepEqual(jobs.map((j) => j.deviceId).sort(), [...pumps].sort());
    // A viewer of the same scope sees it; one of another scope does not.
    assert.ok((await scopedAs('viewer').client.rollouts.list()).items.some((x) => x.id === r.id));
    const other = await caller('viewer', ['yard']);
    await assert.rejects(other.client.rollouts.get(r.id), notFound);
    assert.ok(!(await other.client.rollouts.list()).items.some((x) => x.id === r.id));
  });

  it('answers every route of the table as its role and scope declare, for every role, scoped or not', async () => {
    const failures: string[] = [];
    let checked = 0;
    const cases = ROUTES.filter((r) => r.role !== 'public' && !SELF_ENDING.has(r.id))
      .flatMap((route) =>
        callers.flatMap((c) => [
          { route, c, device: pumps[0], inside: true },
          ...(route.scope === 'device' ? [{ route, c, device: yard[0], inside: false }] : []),
        ]),
      )
      .map((x) => ({ ...x, refused: expectedRefusal(x.c, x.route, x.inside) }))
      .filter((x) => x.refused !== null || !ENDLESS.has(x.route.id));
    // A few at a time: one hub, many requests.
    for (let i = 0; i < cases.length; i += 16) {
      await Promise.all(
        cases.slice(i, i + 16).map(async ({ route, c, device, refused }) => {
          const got = await callRoute(c, route, device);
          checked++;
          const who = `${c.role}${c.scoped ? ' (scoped to plant)' : ''} ${routeKey(route)} on ${device}`;
          const ok = refused
            ? got.status === REFUSAL_STATUS[refused] && got.code === refused
            : !REFUSAL_CODES.includes(got.code ?? '');
          if (!ok) failures.push(`${who}: expected ${refused ?? 'no refusal'}, got ${got.status} ${got.code}`);
        }),
      );
    }
    assert.deepEqual(failures, []);
    assert.ok(checked >= ROUTES.length * callers.length * 0.9, `only ${checked} calls`);
  });

  it('refuses an operator every admin write, and each duty role all but the routes that name it', () => {
    const adminWrites = ROUTES.filter((r) => r.role === 'admin' && r.method !== 'GET');
    assert.ok(adminWrites.length >= 15, `only ${adminWrites.length} admin writes`);
    for (const r of adminWrites) assert.equal(routeAllows('operator', r), false, r.id);
    for (const duty of ['technician', 'auditor'] as const)
      for (const r of ROUTES.filter((x) => x.role !== 'public'))
        assert.equal(routeAllows(duty, r), (r.alsoFor ?? []).includes(duty), `${duty} on ${r.id}`);
  });

  const scopedAs = (role: Role) => callers.find((c) => c.role === role && c.scoped)!;

  it('lists, counts and acts by filter only inside the scope', async () => {
    const viewer = scopedAs('viewer').client;
    const page = await viewer.devices.list({ count: true, limit: 100 });
    assert.deepEqual(page.items.map((d) => d.id).sort(), [...pumps].sort());
    assert.equal(page.total, 2);
    // Paging stays inside the scope: one per page, two pages, then none.
    const first = await viewer.devices.list({ limit: 1, sort: 'id' });
    const second = await viewer.devices.list({ limit: 1, sort: 'id', cursor: first.nextCursor! });
    assert.deepEqual([...first.items, ...second.items].map((d) => d.id).sort(), [...pumps].sort());
    const op = scopedAs('operator').client;
    assert.deepEqual(await op.devices.tagWhere('', { touched: run }), { matched: 2 });
    const everyone = await t.admin.devices.list({ filter: `tag.touched = "${run}"`, limit: 100 });
    assert.deepEqual(everyone.items.map((d) => d.id).sort(), [...pumps].sort());
    const batch = await op.commands.sendWhere('', 'reboot', { timeoutS: 60 });
    assert.equal(batch.devices, 2);
    const outside = await t.admin.devices.command(yard[1], 'reboot', { timeoutS: 60 });
    await assert.rejects(op.commands.get(outside.id), (e: { status: number; code: string }) => e.status === 404);
    const seen = await op.commands.batch(batch.batchId);
    assert.deepEqual(seen.items.map((c) => c.deviceId).sort(), [...pumps].sort());
    const summary = await viewer.fleet.summary();
    assert.equal(summary.counts.total, 2);
    assert.deepEqual((await viewer.groups.list()).items.map((g) => g.path).sort(), ['plant', 'plant/pumps']);
    await assert.rejects(viewer.groups.get('yard'), (e: { status: number }) => e.status === 404);
  });

  it('shows a scoped reader audit records about its devices and its own actions only', async () => {
    await t.admin.devices.tag(yard[0], { audited: run });
    await t.admin.devices.tag(pumps[0], { audited: run });
    const me = scopedAs('operator');
    const { items } = await me.client.audit.list({ limit: 500 });
    assert.ok(items.some((a) => a.target === `device:${pumps[0]}` && a.action === 'device.tag'));
    for (const a of items)
      assert.ok(
        pumps.some((id) => a.target === `device:${id}`) || a.actor === me.username,
        `${a.action} on ${a.target} by ${a.actor} is outside the scope`,
      );
  });

  it('lets a technician see its devices and ask for sessions to them only, and an auditor read the audit log only', async () => {
    const tech = scopedAs('technician').client;
    assert.deepEqual((await tech.devices.list()).items.map((d) => d.id).sort(), [...pumps].sort());
    const ask = (deviceId: string) =>
      tech.access.request({ deviceId, target: 'tcp:127.0.0.1:502', durationS: 300 }).then(
        () => 'opened',
        (e: { status: number; code: string }) => `${e.status} ${e.code}`,
      );
    // Inside the scope the request reaches the policies (none allows it); outside, no such device.
    assert.equal(await ask(pumps[0]), '403 access_denied');
    assert.equal(await ask(yard[0]), '404 not_found');
    await assert.rejects(tech.audit.list(), (e: { code: string }) => e.code === 'forbidden');
    await assert.rejects(tech.devices.command(pumps[0], 'reboot'), (e: { code: string }) => e.code === 'forbidden');
    const auditor = callers.find((c) => c.role === 'auditor' && !c.scoped)!.client;
    assert.ok((await auditor.audit.list({ limit: 5 })).items.length > 0);
    assert.equal((await auditor.audit.verify()).ok, true);
    await assert.rejects(auditor.devices.list(), (e: { code: string }) => e.code === 'forbidden');
  });

  it('follows a dynamic group: the scope is evaluated at each request', async () => {
    const red = await caller('viewer', ['red']);
    assert.deepEqual((await red.client.devices.list()).items, []);
    await t.admin.devices.tag(yard[1], { color: 'red' });
    assert.deepEqual(
      (await red.client.devices.list()).items.map((d) => d.id),
      [yard[1]],
    );
    assert.equal((await red.client.devices.get(yard[1])).id, yard[1]);
    await assert.rejects(red.client.devices.get(pumps[0]), (e: { code: string }) => e.code === 'device_not_found');
  });

  it('streams presence and audit lines of the scope only', async () => {
    const scoped = await openStream(t, scopedAs('viewer').session);
    const all = await openStream(t, callers.find((c) => c.role === 'viewer' && !c.scoped)!.session);
    streams.push(scoped, all);
    await eventually(() => eventsOf(scoped, 'hello').length === 1 && eventsOf(all, 'hello').length === 1, 30_000);
    assert.equal(eventsOf(scoped, 'hello')[0].data.counts.total, 2);
    assert.equal(eventsOf(all, 'hello')[0].data.counts.total, 4);
    for (const id of [pumps[1], yard[1]]) {
      const d = await enrollTestDevice(t, `${id}-live`, { group: id.startsWith('pump') ? 'plant/pumps' : 'yard' });
      agents.push(startTestAgent(t, d));
    }
    await t.admin.devices.tag(yard[0], { streamed: run });
    await t.admin.devices.tag(pumps[0], { streamed: run });
    const changedIn = (s: LiveStream) => eventsOf(s, 'presence').flatMap((e) => e.data.changed.map(([id]) => id));
    const auditIn = (s: LiveStream) => eventsOf(s, 'audit').flatMap((e) => e.data.items.map((i) => i.target));
    await eventually(
      () =>
        changedIn(all).includes(`${yard[1]}-live`) &&
        changedIn(scoped).includes(`${pumps[1]}-live`) &&
        auditIn(all).includes(`device:${pumps[0]}`) &&
        auditIn(scoped).includes(`device:${pumps[0]}`),
      30_000,
    );
    assert.ok(!changedIn(scoped).includes(`${yard[1]}-live`), 'a device outside the scope went by on the stream');
    assert.ok(!auditIn(scoped).includes(`device:${yard[0]}`), 'an audit line outside the scope went by');
    assert.ok(eventsOf(scoped, 'presence').every((e) => e.data.counts.total <= 3));
    assert.equal(eventsOf(scoped, 'rollout').length + eventsOf(scoped, 'alerts').length, 0);
  });
});
