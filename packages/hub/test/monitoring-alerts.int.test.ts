import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from '@outpost/agent';
import type { AlertNotification } from '@outpost/protocol';
import { ApiError } from '@outpost/client';
import { hubTestClock, startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';
import { startSmtpReceiver, startWebhookReceiver } from './support/notify-receivers.js';

describe('alerts and notifications on a few devices', () => {
  let t: TestHub;
  // Jumps of hub time stay below heartbeatFactor × 1 s less one report interval, so mon-c stays online.
  const clock = hubTestClock();
  let secret = '';
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const agents = new Map<string, Agent>();
  const devs: EnrolledDevice[] = [];

  before(async () => {
    t = await startTestHub({ alertEvalMs: 200, heartbeatFactor: 3 }, undefined, { clock });
    hook = await startWebhookReceiver(() => secret);
    smtp = await startSmtpReceiver();
    for (const id of ['mon-a', 'mon-b', 'mon-c']) devs.push(await enrollTestDevice(t, id));
    for (const d of devs) agents.set(d.id, startTestAgent(t, d, { healthIntervalS: 1 }));
    await eventually(async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 3);
  });
  after(async () => {
    await Promise.all([...agents.values()].map((a) => a.stop({ clean: true })));
    await t.stop();
    await hook.stop();
    await smtp.stop();
  });

  it('fires offline alerts after D, not before, sends one signed digest and one e-mail, and resolves on return', async () => {
    const wh = await t.admin.channels.create({
      name: 'ops-hook',
      kind: 'webhook',
      config: { url: hook.url() },
      digest: { waitS: 1, intervalS: 0 },
    });
    secret = wh.secret!;
    assert.match(secret, /^whsec_/);
    assert.equal((wh.channel as unknown as Record<string, unknown>).secretEnc, undefined);
    const mail = await t.admin.channels.create({
      name: 'ops-mail',
      kind: 'email',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        tls: 'none',
        from: 'Outpost <outpost@example.test>',
        to: ['oncall@example.test'],
      },
      digest: { waitS: 1, intervalS: 0 },
    });
    const rule = await t.admin.rules.create({
      name: 'offline 3s',
      type: 'offline',
      severity: 'critical',
      params: { afterS: 3 },
      channels: [wh.channel.id, mail.channel.id],
    });
    const killedAt = clock.now().getTime();
    await Promise.all(['mon-a', 'mon-b'].map((id) => agents.get(id)!.stop({ clean: false })));
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'offline', count: true, limit: 1 })).total === 2,
    );
    // Well before D: several evaluations, and nothing fires.
    await clock.advance(1500);
    assert.equal((await t.admin.alerts.list({ state: 'open' })).items.length, 0);
    const firing = await eventually(async () => {
      const items = (await t.admin.alerts.list({ state: 'firing' })).items;
      return items.length === 2 ? items : null;
    }, 10_000);
    for (const a of firing) {
      const dev = await t.admin.devices.get(a.deviceId);
      assert.ok(Date.parse(a.firedAt) - Date.parse(dev.presenceChangedAt!) >= 3000, 'fired only after D');
      assert.equal(a.ruleId, rule.id);
      assert.equal(a.severity, 'critical');
      assert.match(a.deviceUrl, /\/devices\/mon-[ab]$/);
    }
    assert.ok(clock.now().getTime() - killedAt >= 3000);
    const msg = await eventually(() => hook.received[0], 10_000);
    assert.ok(msg.signatureOk, msg.reason);
    const body = msg.json as unknown as AlertNotification;
    assert.equal(body.counts.fired, 2);
    assert.deepEqual(body.alerts.map((a) => a.device.id).sort(), ['mon-a', 'mon-b']);
    assert.equal(msg.headers['idempotency-key'], body.id);
    await eventually(() => smtp.mails.length === 1, 10_000);
    assert.match(smtp.mails[0].subject, /CRITICAL.*2 firing on 2 devices/);
    assert.deepEqual(smtp.mails[0].to, ['oncall@example.test']);
    // Still just one message each after a few more evaluations and notification ticks.
    await clock.advance(1500);
    assert.equal(hook.received.length, 1);
    assert.equal(smtp.mails.length, 1);

    for (const id of ['mon-a', 'mon-b'])
      agents.set(
        id,
        startTestAgent(
          t,
          devs.find((d) => d.id === id)!,
          { healthIntervalS: 1 },
        ),
      );
    await eventually(async () => (await t.admin.alerts.list({ state: 'open' })).items.length === 0, 10_000);
    const resolved = (await t.admin.alerts.list({ state: 'resolved' })).items;
    assert.equal(resolved.length, 2);
    const h = await t.admin.alerts.get(resolved[0].id);
    assert.deepEqual(
      h.history.map((e) => e.event),
      ['fired', 'resolved'],
    );
    const second = await eventually(() => hook.received[1], 10_000);
    assert.equal((second.json as unknown as AlertNotification).counts.resolved, 2);
    await t.admin.rules.remove(rule.id);
  });

  it('acknowledges with who and a note, and resolves by hand without firing again while the condition holds', async () => {
    const rule = await t.admin.rules.create({
      name: 'cpu above -1',
      type: 'metric',
      params: { metric: 'cpu', op: '>', threshold: -1 },
    });
    const a = await eventually(
      async () => (await t.admin.alerts.list({ state: 'firing', rule: rule.id, device: 'mon-c' })).items[0],
      10_000,
    );
    assert.match(a.text, /cpuPct is/);
    const viewer = await t.userClient('viewer');
    await assert.rejects(viewer.alerts.ack(a.id, 'mine'), (e: ApiError) => e.status === 403);
    const acked = await t.admin.alerts.ack(a.id, 'looking at it');
    assert.equal(acked.state, 'acknowledged');
    assert.equal(acked.ackedBy, 'admin');
    assert.equal(acked.ackNote, 'looking at it');
    const resolved = await t.admin.alerts.resolve(a.id, 'known load test');
    assert.equal(resolved.state, 'resolved');
    await clock.advance(800);
    assert.equal((await t.admin.alerts.list({ state: 'open', rule: rule.id, device: 'mon-c' })).items.length, 0);
    const audit = (await t.admin.audit.list({ action: 'alert.acknowledge' })).items;
    assert.equal(audit[0].target, `alert:${a.id}`);
    // Deleting the rule resolves what is still open under it.
    await t.admin.rules.remove(rule.id);
    await eventually(async () => (await t.admin.alerts.list({ state: 'open', rule: rule.id })).items.length === 0);
  });

  it('acknowledges and resolves a selection at once, reports those it could not change, and counts alerts per hour', async () => {
    const rule = await t.admin.rules.create({
      name: 'memory above -1',
      type: 'metric',
      severity: 'warning',
      params: { metric: 'memory', op: '>', threshold: -1 },
    });
    const firing = await eventually(async () => {
      const items = (await t.admin.alerts.list({ state: 'firing', rule: rule.id })).items;
      return items.length === 3 ? items : undefined;
    }, 10_000);
    const ids = firing.map((a) => a.id);
    const viewer = await t.userClient('viewer');
    await assert.rejects(viewer.alerts.ackMany(ids), (e: ApiError) => e.status === 403 && e.code === 'forbidden');
    await assert.rejects(
      t.admin.alerts.ackMany([]),
      (e: ApiError) => e.status === 400 && e.code === 'validation_failed',
    );
    assert.equal((await t.admin.alerts.list({ state: 'firing', rule: rule.id })).items.length, 3);

    const acked = await t.admin.alerts.ackMany([ids[0], ids[1], 'no-such-alert'], 'batch');
    assert.deepEqual(acked.changed, [ids[0], ids[1]]);
    assert.deepEqual(
      acked.refused.map((r) => [r.id, r.code]),
      [['no-such-alert', 'not_found']],
    );
    // Acknowledging again is refused for each, with the reason.
    const again = await t.admin.alerts.ackMany([ids[0]]);
    assert.deepEqual(again.changed, []);
    assert.equal(again.refused[0].code, 'conflict');
    assert.match(again.refused[0].message, /only a firing alert can be acknowledged/);
    assert.equal(
      (await t.admin.audit.list({ action: 'alert.acknowledge', target: `alert:${ids[1]}` })).items.length,
      1,
    );

    const timeline = (await t.admin.alerts.timeline(2)).items;
    assert.equal(timeline.length, 3);
    const warnings = timeline.reduce((n, b) => n + b.warning, 0);
    assert.ok(warnings >= 3, `the last hours count the warnings just fired: ${JSON.stringify(timeline)}`);
    await assert.rejects(t.admin.alerts.timeline(500), (e: ApiError) => e.code === 'validation_failed');

    const resolved = await t.admin.alerts.resolveMany(ids, 'maintenance over');
    assert.deepEqual(resolved.changed.sort(), [...ids].sort());
    assert.equal((await t.admin.alerts.list({ state: 'open', rule: rule.id })).items.length, 0);
    await t.admin.rules.remove(rule.id);
  });
});
