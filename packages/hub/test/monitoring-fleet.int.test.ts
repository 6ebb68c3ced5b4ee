import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import type { AlertNotification } from '@outpost/protocol';
import { startSimulation, type Simulation } from '@outpost/sim';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { startSmtpReceiver, startWebhookReceiver } from './support/notify-receivers.js';

const FLEET = 300;
const KILLED = 30;
const D_S = 4;

describe('offline alerts across a simulated fleet', () => {
  let t: TestHub;
  let sim: Simulation;
  let secret = '';
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-fleet-'));

  before(async () => {
    t = await startTestHub({ alertEvalMs: 250, logLevel: 'warn' });
    hook = await startWebhookReceiver(() => secret);
    smtp = await startSmtpReceiver();
    const tok = await t.admin.enrollment.createToken({ label: 'fleet', maxUses: FLEET });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: FLEET,
      prefix: 'fleet',
      cacheDir: cache,
      healthIntervalS: 10,
      rampMs: 3000,
      enrollConcurrency: 16,
      features: () => [],
    });
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === FLEET,
      60_000,
      250,
    );
  });
  after(async () => {
    await sim?.stop({ clean: true });
    await t.stop();
    await hook.stop();
    await smtp.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it(`kills ${KILLED} of ${FLEET}: ${KILLED} alerts after D, one signed digest, one e-mail; restarting resolves them`, async () => {
    const wh = await t.admin.channels.create({
      name: 'noc-webhook',
      kind: 'webhook',
      config: { url: hook.url() },
      digest: { waitS: 2, intervalS: 60 },
    });
    secret = wh.secret!;
    const mail = await t.admin.channels.create({
      name: 'noc-mail',
      kind: 'email',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        tls: 'none',
        from: 'outpost@example.test',
        to: ['noc@example.test'],
      },
      digest: { waitS: 2, intervalS: 60 },
    });
    await t.admin.rules.create({
      name: 'device offline',
      type: 'offline',
      severity: 'critical',
      params: { afterS: D_S },
      channels: [wh.channel.id, mail.channel.id],
    });

    const victims = sim.devices.filter((_, i) => i % 10 === 3);
    assert.equal(victims.length, KILLED);
    await Promise.all(victims.map((d) => d.agent.stop({ clean: false })));
    const killedAt = Date.now();
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'offline', count: true, limit: 1 })).total === KILLED,
      10_000,
      100,
    );
    // Not before D: rule evaluations that began after the devices were seen offline raise nothing.
    const seen = await evaluations(t);
    await eventually(async () => (await evaluations(t)) >= seen + 2, 30_000, 50);
    assert.ok(Date.now() - killedAt < D_S * 1000, 'the check ran before D');
    assert.equal((await t.admin.alerts.list({ state: 'open' })).items.length, 0, 'nothing fires before D');

    const firing = await eventually(
      async () => {
        const items = (await t.admin.alerts.list({ state: 'firing', limit: 1000 })).items;
        return items.length >= KILLED ? items : null;
      },
      15_000,
      200,
    );
    assert.deepEqual(firing.map((a) => a.deviceId).sort(), victims.map((d) => d.id).sort());
    for (const a of firing) {
      const dev = await t.admin.devices.get(a.deviceId);
      assert.ok(Date.parse(a.firedAt) - Date.parse(dev.presenceChangedAt!) >= D_S * 1000);
    }

    const digest = await eventually(() => hook.received[0], 15_000, 100);
    assert.ok(digest.signatureOk, digest.reason);
    const body = digest.json as unknown as AlertNotification;
    assert.equal(body.counts.fired, KILLED);
    assert.equal(body.alerts.length, KILLED);
    await eventually(() => smtp.mails.length === 1, 15_000, 100);
    assert.match(smtp.mails[0].subject, new RegExp(`${KILLED} firing on ${KILLED} devices`));
    // Several evaluations later: still exactly those alerts, and one message on each channel.
    const evaluated = await evaluations(t);
    await eventually(async () => (await evaluations(t)) >= evaluated + 5, 30_000, 100);
    assert.equal((await t.admin.alerts.list({ state: 'open', limit: 1000 })).items.length, KILLED);
    assert.equal(hook.received.length, 1);
    assert.equal(smtp.mails.length, 1);

    for (const d of victims) d.agent.start();
    await eventually(
      async () => (await t.admin.alerts.list({ state: 'open', limit: 1000 })).items.length === 0,
      30_000,
      250,
    );
    assert.equal((await t.admin.alerts.list({ state: 'resolved', limit: 1000 })).items.length, KILLED);
  });
});

/** How many times the hub has evaluated its alert rules, from its metrics. */
function evaluations(t: TestHub): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/metrics', t.hub.httpUrl), { ca: t.hub.caPem }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve(Number(/^outpost_alert_evaluation_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(body)?.[1] ?? 0)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
