import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from '@outpost/agent';
import { ApiError } from '@outpost/client';
import type { AlertNotification } from '@outpost/protocol';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { startWebhookReceiver } from './support/notify-receivers.js';

describe('webhook delivery', () => {
  let t: TestHub;
  let agent: Agent;
  let secret = '';
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

  before(async () => {
    t = await startTestHub({ alertEvalMs: 150 });
    hook = await startWebhookReceiver(() => secret);
    agent = startTestAgent(t, await enrollTestDevice(t, 'hooked-1'), { healthIntervalS: 1 });
    await eventually(async () => (await t.admin.devices.get('hooked-1')).health !== null);
  });
  after(async () => {
    await agent.stop({ clean: true });
    await t.stop();
    await hook.stop();
  });

  it('delivers everything queued while the receiver was down, in order, each once (idempotency key)', async () => {
    const ch = await t.admin.channels.create({
      name: 'flaky',
      kind: 'webhook',
      config: { url: hook.url(), timeoutMs: 2000 },
      digest: { waitS: 0, intervalS: 0 },
      retry: { baseMs: 100, capMs: 400, maxAttempts: 100 },
    });
    secret = ch.secret!;
    await hook.down();
    // Six alert notifications, one message each, queued behind the dead receiver.
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      await t.admin.rules.create({
        name: `always ${i}`,
        type: 'metric',
        params: { metric: 'memUsedPct', op: '>=', threshold: 0 },
        channels: [ch.channel.id],
      });
      const msgs = await eventually(async () => {
        const items = (await t.admin.notifications.list({ channel: ch.channel.id })).items;
        return items.length === i + 1 ? items : null;
      }, 10_000);
      made.push(msgs[0].id);
    }
    const pending = (await t.admin.notifications.list({ channel: ch.channel.id, state: 'pending' })).items;
    assert.equal(pending.length, 6);
    assert.ok(
      pending.some((m) => m.attempts > 0 && m.lastError),
      'delivery was tried and failed',
    );
    // Back up, but the first request it handles "loses" its answer: the hub must retry that one.
    hook.failAfterRecording(503);
    await hook.up();
    await eventually(
      async () => (await t.admin.notifications.list({ channel: ch.channel.id, state: 'delivered' })).items.length === 6,
      15_000,
    );
    const keys = hook.unique().map((r) => String(r.headers['idempotency-key']));
    assert.deepEqual(keys, made);
    assert.ok(hook.received.length > keys.length, 'a retry happened');
    assert.equal(hook.received[0].headers['idempotency-key'], hook.received[1].headers['idempotency-key']);
    assert.ok(hook.received.every((r) => r.signatureOk));
    const names = hook.unique().map((r) => (r.json as unknown as AlertNotification).alerts[0].rule.name);
    assert.deepEqual(names, ['always 0', 'always 1', 'always 2', 'always 3', 'always 4', 'always 5']);
    for (const r of (await t.admin.rules.list()).items) await t.admin.rules.remove(r.id);
  });

  it('dead-letters a message the receiver refuses, lists it, and retries it by hand', async () => {
    const ch = await t.admin.channels.create({
      name: 'refusing',
      kind: 'webhook',
      config: { url: `${hook.url()}?refuse` },
      retry: { baseMs: 50, capMs: 100, maxAttempts: 2 },
    });
    secret = ch.secret!;
    hook.failAfterRecording(400);
    const { messageId } = await t.admin.channels.test(ch.channel.id);
    const dead = await eventually(
      async () => (await t.admin.notifications.deadLetters()).items.find((m) => m.id === messageId),
      10_000,
    );
    assert.equal(dead.attempts, 1, 'a 400 is not retried');
    assert.match(dead.lastError ?? '', /HTTP 400/);
    const viewer = await t.userClient('viewer');
    assert.ok((await viewer.notifications.deadLetters()).items.some((m) => m.id === messageId));
    await assert.rejects(viewer.notifications.retry(messageId), (e: ApiError) => e.status === 403);
    await t.admin.notifications.retry(messageId);
    await eventually(async () => (await t.admin.notifications.get(messageId)).state === 'delivered', 10_000);
    const audit = (await t.admin.audit.list({ action: 'notification.retry' })).items;
    assert.equal(audit[0].target, `notification_message:${messageId}`);
  });

  it('keeps channel secrets out of responses and the audit log, and rotates them', async () => {
    const created = await t.admin.channels.create({
      name: 'secretive',
      kind: 'webhook',
      config: { url: hook.url() },
      secret: 'a-very-long-shared-secret',
    });
    assert.equal(created.secret, undefined, 'a given secret is not echoed');
    const listed = JSON.stringify(await t.admin.channels.list());
    assert.ok(!listed.includes('a-very-long-shared-secret'));
    const rotated = await t.admin.channels.update(created.channel.id, { rotateSecret: true });
    assert.match(rotated.secret!, /^whsec_/);
    const audit = JSON.stringify((await t.admin.audit.list({ limit: 200 })).items);
    assert.ok(!audit.includes('a-very-long-shared-secret') && !audit.includes(rotated.secret!));
    const operator = await t.userClient('operator');
    await assert.rejects(
      operator.channels.create({ name: 'x', kind: 'webhook', config: { url: hook.url() } }),
      (e: ApiError) => e.status === 403,
    );
  });
});
