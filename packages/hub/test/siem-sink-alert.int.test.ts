import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SYSTEM_ACTOR } from '../src/domains/audit/index.js';
import type { ManualClock } from '../src/platform/manual-clock.js';
import { throwawayPki, type ThrowawayPki } from './support/throwaway-pki.js';
import { eventually, hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';

// A SIEM sink's alert against a real HTTPS receiver that the test stops and starts again: it fires
// once when the sink has failed longer than `alertAfterS` (hub time, moved by the manual clock) or
// when its backlog reaches `alertBacklog`, and resolves once when delivery has caught up.

describe('SIEM sink alert: a receiver that is down', () => {
  let t: TestHub;
  let pki: ThrowawayPki;
  let clock: ManualClock;
  let server: Server | null = null;
  let port = 0;
  let received = 0;

  async function startReceiver() {
    server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received += body.split('\n').filter(Boolean).length;
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  }

  async function stopReceiver() {
    const s = server;
    server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  const records = (action: string, sinkId: string) =>
    t.admin.audit
      .list({ limit: 500 })
      .then((p) => p.items.filter((a) => a.action === action && a.target === `siem_sink:${sinkId}`));

  async function audit(n: number, tag: string) {
    for (let i = 0; i < n; i++)
      await t.hub.domains.audit.record({ actor: SYSTEM_ACTOR, action: 'siem.alert.test', details: { tag, i } });
  }

  before(async () => {
    pki = await throwawayPki();
    await startReceiver();
    clock = hubTestClock();
    t = await startTestHub({}, undefined, { clock });
  });

  after(async () => {
    await t?.stop();
    await stopReceiver();
  });

  it('fires once after the sink failed longer than alertAfterS, and resolves once when the receiver is back', async () => {
    const sink = await t.admin.siem.sinks.create({
      name: 'down-for-a-while',
      kind: 'https-jsonl',
      config: {
        url: `https://localhost:${port}/ingest`,
        caPem: pki.caPem,
        sources: ['audit'],
        alertAfterS: 120,
        alertBacklog: 100_000,
      },
    });
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).backlogTotal === 0, 60_000, 100);

    await stopReceiver();
    await audit(5, 'while down');
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).failing, 60_000, 100);
    // A minute of hub time: failing, but not for long enough.
    await clock.advance(60_000);
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).failures >= 2, 60_000, 100);
    assert.equal((await t.admin.siem.sinks.get(sink.id)).alertFiredAt, null);
    assert.deepEqual(await records('siem.sink.failing', sink.id), []);

    // Past alertAfterS: the alert fires, and only once however often the sink fails after.
    await clock.advance(70_000);
    const fired = await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).alertFiredAt, 60_000, 100);
    const firedRecords = await records('siem.sink.failing', sink.id);
    assert.equal(firedRecords.length, 1);
    assert.equal((firedRecords[0].details as { trigger?: string }).trigger, 'failing');
    assert.match(String((firedRecords[0].details as { reason?: string }).reason), /ECONNREFUSED/);
    const failuresAtFire = (await t.admin.siem.sinks.get(sink.id)).failures;
    for (let i = 0; i < 3; i++) await clock.advance(61_000);
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).failures > failuresAtFire, 60_000, 100);
    assert.equal((await records('siem.sink.failing', sink.id)).length, 1);
    assert.equal((await t.admin.siem.sinks.get(sink.id)).alertFiredAt, fired);

    // The receiver is back: the held events arrive, the alert resolves, once.
    const before = received;
    await startReceiver();
    await clock.advance(61_000);
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).alertFiredAt === null, 60_000, 100);
    assert.ok(received >= before + 5, `only ${received - before} events arrived after the restart`);
    const view = await t.admin.siem.sinks.get(sink.id);
    assert.equal(view.failing, false);
    assert.equal((await records('siem.sink.recovered', sink.id)).length, 1);
    await audit(3, 'after');
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).backlogTotal === 0, 60_000, 100);
    assert.equal((await records('siem.sink.recovered', sink.id)).length, 1);
    assert.equal((await records('siem.sink.failing', sink.id)).length, 1);
    await t.admin.siem.sinks.remove(sink.id);
  });

  it('fires when the backlog reaches alertBacklog before alertAfterS, and resolves when it has drained', async () => {
    const sink = await t.admin.siem.sinks.create({
      name: 'backlog-bound',
      kind: 'https-jsonl',
      config: {
        url: `https://localhost:${port}/ingest`,
        caPem: pki.caPem,
        sources: ['audit'],
        alertAfterS: 86_400,
        alertBacklog: 20,
        batchSize: 5,
      },
      startAt: 'now',
    });
    await stopReceiver();
    await audit(10, 'below the bound');
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).failures >= 1, 60_000, 100);
    await clock.advance(61_000);
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).failures >= 2, 60_000, 100);
    assert.equal((await t.admin.siem.sinks.get(sink.id)).alertFiredAt, null);

    await audit(15, 'past the bound');
    await clock.advance(61_000);
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).alertFiredAt !== null, 60_000, 100);
    const fired = await records('siem.sink.failing', sink.id);
    assert.equal(fired.length, 1);
    assert.equal((fired[0].details as { trigger?: string }).trigger, 'backlog');

    await startReceiver();
    await clock.advance(61_000);
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).alertFiredAt === null, 60_000, 100);
    assert.ok((await t.admin.siem.sinks.get(sink.id)).backlogTotal < 20);
    assert.equal((await records('siem.sink.recovered', sink.id)).length, 1);
    assert.equal((await records('siem.sink.failing', sink.id)).length, 1);
  });
});
