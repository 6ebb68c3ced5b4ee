import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, ADMIN_PASSWORD, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { openStream } from './support/live-stream.js';

describe('live updates (server-sent events) and fleet aggregates', () => {
  let t: TestHub;
  let session: string;
  before(async () => {
    t = await startTestHub();
    session = (await t.anonymous().login('admin', ADMIN_PASSWORD)).session;
  });
  after(async () => t.stop());

  it('refuses a stream without a session, before any event', async () => {
    const s = await openStream(t);
    assert.equal(s.status, 401);
    s.close();
  });

  it('streams hello, then coalesced presence changes with ids and counts, then audit summaries', async () => {
    const s = await openStream(t, session);
    assert.equal(s.status, 200);
    assert.match(String(s.res.headers['content-type']), /^text\/event-stream/);
    const hello = await eventually(() => s.events.find((e) => e.event === 'hello'));
    assert.equal(hello.event === 'hello' && hello.data.counts.total, 0);

    const dev = await enrollTestDevice(t, 'live-01');
    const agent = startTestAgent(t, dev, { healthIntervalS: 1 });
    try {
      const online = await eventually(
        () =>
          s.events.find(
            (e) => e.event === 'presence' && e.data.changed.some(([id, p]) => id === 'live-01' && p === 'online'),
          ),
        10_000,
      );
      assert.ok(online.event === 'presence');
      assert.deepEqual(online.data.counts, { online: 1, offline: 0, never_seen: 0, total: 1 });
      // Ids and counts only: no device objects travel on the stream.
      assert.ok(online.data.changed.every((c) => Array.isArray(c) && c.length === 2));

      await t.admin.groups.create({ path: 'live-test', kind: 'static' });
      const audit = await eventually(
        () => s.events.find((e) => e.event === 'audit' && e.data.items.some((i) => i.action === 'group.create')),
        10_000,
      );
      assert.ok(audit.event === 'audit');
      const line = audit.data.items.find((i) => i.action === 'group.create')!;
      assert.deepEqual(Object.keys(line).sort(), ['action', 'actor', 'outcome', 'seq', 'target', 'ts']);
      assert.equal(line.target, 'group:live-test');

      await agent.stop({ clean: false });
      const offline = await eventually(
        () =>
          s.events.find(
            (e) => e.event === 'presence' && e.data.changed.some(([id, p]) => id === 'live-01' && p === 'offline'),
          ),
        10_000,
      );
      assert.ok(offline.event === 'presence' && offline.data.counts.offline === 1);
    } finally {
      await agent.stop({ clean: false });
      s.close();
    }
  });

  it('answers fleet summary and an hourly online trend that ends at the current count', async () => {
    const viewer = await t.userClient('viewer');
    const summary = await viewer.fleet.summary();
    assert.equal(summary.counts.total, 1);
    assert.deepEqual(
      summary.firmware.map((f) => f.devices),
      [1],
    );
    const trend = await viewer.fleet.presenceTrend(6);
    assert.equal(trend.items.length, 6);
    const last = trend.items[trend.items.length - 1];
    assert.equal(last.online, summary.counts.online);
    assert.ok(last.wentOnline >= 1 && last.wentOffline >= 1);
    await assert.rejects(viewer.fleet.presenceTrend(0), /hours/);
  });

  it('stops streaming to a user who was disabled, within seconds', async () => {
    await t.admin.users.create({ username: 'stream-viewer', password: 'a-long-password-1', role: 'viewer' });
    const session = (await t.anonymous().login('stream-viewer', 'a-long-password-1')).session;
    const s = await openStream(t, session);
    assert.equal(s.status, 200);
    await eventually(() => s.events.length > 0);
    const closed = new Promise<void>((r) => s.res.on('close', () => r()));
    const id = (await t.admin.users.list()).items.find((u) => u.username === 'stream-viewer')!.id;
    await t.admin.users.update(id, { disabled: true });
    const started = Date.now();
    await closed;
    assert.ok(Date.now() - started < 10_000);
  });

  it('ends open streams when the hub stops, so stopping does not hang', async () => {
    const other = await startTestHub();
    const s2 = (await other.anonymous().login('admin', ADMIN_PASSWORD)).session;
    const s = await openStream(other, s2);
    await eventually(() => s.events.length > 0);
    const ended = new Promise<void>((r) => s.res.on('close', () => r()));
    const started = Date.now();
    await other.stop();
    await ended;
    assert.ok(Date.now() - started < 5000);
  });
});
