import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertNotification } from '@outpost/protocol';
import { alertDataOn } from '../alerts/alert-engine.fixture.js';
import { createAlertEngine } from '../alerts/alert-engine.js';
import { createAlertsStore } from '../alerts/alerts.store.js';
import { BUILT_IN_RULE_TYPES } from '../alerts/rule-types/index.js';
import { createChannelsStore } from './channels.store.js';
import { openSecret } from './channel-secret.js';
import { createDeliveryWorker } from './delivery.worker.js';
import { createNotificationsService } from './notifications.service.js';
import { createOutboxStore } from './outbox.store.js';
import { verifyWebhook } from './webhook-signature.js';
import { createFleetSnapshotStore } from '../devices/index.js';
import { deps, seedDevices, silent, testClock, testDb } from '../fleet/monitoring.fixture.js';

describe('1,000 devices going offline at once', () => {
  let env: Awaited<ReturnType<typeof testDb>>;
  let server: Server;
  const bodies: Array<{ body: string; sig: string }> = [];
  before(async () => {
    env = await testDb();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push({ body, sig: String(req.headers['x-outpost-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    server.close();
    await env.close();
  });

  it('gives one signed message on the channel, not 1,000', async () => {
    const clock = testClock(Date.now());
    const kek = Buffer.alloc(32, 7);
    const wentOffline = new Date(clock.now().getTime() - 600_000).toISOString();
    await seedDevices(env.db, 1200, (i) =>
      i <= 1000 ? { presence: 'offline', presence_changed_at: wentOffline } : {},
    );
    const { selector, audit } = deps(env.db, clock);
    const channels = createChannelsStore(env.db);
    const outbox = createOutboxStore(env.db);
    const worker = createDeliveryWorker({
      outbox,
      channel: (id) => channels.get(id),
      secretOf: (c) => openSecret(kek, c),
      publishTopic: async () => undefined,
      clock,
      logger: silent,
    });
    const notifications = createNotificationsService({ channels, outbox, worker, kek, audit, clock, logger: silent });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ch = await notifications.createChannel(
      { type: 'user', id: 'ops' },
      { name: 'noc', kind: 'webhook', config: { url }, digest: { waitS: 10, intervalS: 60 } },
    );
    const store = createAlertsStore(env.db, outbox.addIntents);
    await store.insertRule({
      id: 'rul_off',
      name: 'offline 5 min',
      type: 'offline',
      severity: 'critical',
      scope: {},
      params: { afterS: 300 },
      forS: 0,
      clearForS: 0,
      channels: [ch.channel.id],
      enabled: true,
      createdBy: 't',
      createdAt: '',
      updatedAt: '',
    });
    const engine = createAlertEngine({
      store,
      fleet: createFleetSnapshotStore(env.db),
      selector,
      data: alertDataOn(env.db),
      traffic: { status: () => undefined, newPortsSince: async () => new Map() },
      healthOf: async () => new Map(),
      types: new Map(BUILT_IN_RULE_TYPES.map((t) => [t.type, t])),
      enabledChannels: notifications.enabledChannelIds,
      deviceUrl: (id) => `${url}devices/${id}`,
      clock,
      logger: silent,
    });
    assert.equal((await engine.evaluate()).fired, 1000);
    await notifications.tick();
    assert.equal((await outbox.list({ limit: 10 })).length, 0, 'nothing before the digest window closes');
    clock.advance(10_000);
    assert.equal((await engine.evaluate()).fired, 0);
    for (let i = 0; i < 5; i++) {
      await notifications.tick();
      await notifications.idle();
      clock.advance(1000);
    }
    assert.equal(bodies.length, 1);
    const n = JSON.parse(bodies[0].body) as AlertNotification;
    assert.equal(n.counts.fired, 1000);
    assert.equal(n.omitted, 800);
    assert.match(n.summary, /^\[CRITICAL\] 1000 firing on 1000 devices: offline 5 min ×1000$/);
    assert.ok(verifyWebhook(ch.secret!, bodies[0].sig, bodies[0].body, Math.floor(clock.now().getTime() / 1000)).ok);
  });
});
