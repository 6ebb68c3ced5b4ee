import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ApiError } from '@outpost/client';
import { SYSTEM_ACTOR } from '../src/domains/audit/index.js';
import { throwawayPki, type ThrowawayPki } from './support/throwaway-pki.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// The JSON lines sink against an HTTPS receiver the test starts: batches arrive in order with the
// bearer token, a refused batch is sent again, the token is never shown, logged or audited, and a
// receiver whose certificate the configured CA did not issue is refused with the reason.

interface Request {
  batch: string;
  auth: string;
  type: string;
  lines: Array<Record<string, unknown>>;
}

const TOKEN = 'siem-bearer-token-0123456789abcdef';

describe('SIEM export as JSON lines over HTTPS', () => {
  let t: TestHub;
  let pki: ThrowawayPki;
  let server: Server;
  let url: string;
  const requests: Request[] = [];
  // Statuses for the next requests (after recording them), then 200.
  const answers: number[] = [];

  before(async () => {
    pki = await throwawayPki();
    server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const lines = Buffer.concat(chunks)
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        requests.push({
          batch: String(req.headers['x-outpost-batch']),
          auth: String(req.headers.authorization),
          type: String(req.headers['content-type']),
          lines,
        });
        const status = answers.shift() ?? 200;
        res.writeHead(status).end(status === 200 ? 'ok' : 'busy');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `https://localhost:${(server.address() as AddressInfo).port}/ingest`;
    t = await startTestHub();
  });

  after(async () => {
    await t?.stop();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('delivers audit records in order with the token, and sends a refused batch again', async () => {
    answers.push(503);
    const sink = await t.admin.siem.sinks.create({
      name: 'https',
      kind: 'https-jsonl',
      config: { url, caPem: pki.caPem, sources: ['audit'], batchSize: 20 },
      secret: TOKEN,
    });
    assert.equal(sink.hasSecret, true);
    for (let i = 0; i < 60; i++)
      await t.hub.domains.audit.record({ actor: SYSTEM_ACTOR, action: 'siem.https', details: { count: i } });
    const last = await t.hub.domains.audit.lastSeq();
    await eventually(async () => (await t.admin.siem.sinks.get(sink.id)).backlog.audit === 0, 60_000, 100);

    const seqs = requests.flatMap((r) => r.lines.map((l) => (l.integrity as { seq: number }).seq));
    // The refused first batch came again, with the same batch name; then every record once, in order.
    assert.equal(requests[0].batch, requests[1].batch);
    assert.deepEqual(
      seqs.slice(requests[0].lines.length),
      Array.from({ length: last }, (_, k) => k + 1),
    );
    for (const r of requests) {
      assert.equal(r.auth, `Bearer ${TOKEN}`);
      assert.equal(r.type, 'application/x-ndjson');
    }
    const line = requests.at(-1)!.lines.at(-1)!;
    assert.deepEqual(
      Object.keys(line).filter((k) => ['time', 'component', 'type', 'subject', 'outcome'].includes(k)).length,
      5,
    );
    assert.equal(line.type, 'siem.https');
    assert.equal(line.subject, 'system:hub');

    const listed = JSON.stringify(await t.admin.siem.sinks.list());
    const audit = JSON.stringify((await t.admin.audit.list({ limit: 1000 })).items);
    for (const text of [listed, audit, t.logText()]) assert.equal(text.includes(TOKEN), false);
    const exported = JSON.stringify(requests.map((r) => r.lines));
    assert.equal(exported.includes(TOKEN), false);
    await t.admin.siem.sinks.remove(sink.id);
  });

  it('refuses a receiver whose certificate the configured CA did not issue, with the reason', async () => {
    const other = await throwawayPki('someone-else');
    const sink = await t.admin.siem.sinks.create({
      name: 'untrusted',
      kind: 'https-jsonl',
      config: { url, caPem: other.caPem, sources: ['audit'], alertAfterS: 10 },
      startAt: 'now',
    });
    const before = requests.length;
    const r = await t.admin.siem.sinks.test(sink.id);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /unable to verify the first certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    await t.hub.domains.audit.record({ actor: SYSTEM_ACTOR, action: 'siem.untrusted' });
    const failing = await eventually(async () => {
      const s = await t.admin.siem.sinks.get(sink.id);
      return s.failing ? s : null;
    }, 30_000);
    assert.match(failing.lastError ?? '', /unable to verify the first certificate/);
    assert.ok(failing.backlogTotal >= 1);
    assert.equal(requests.length, before, 'nothing reached the receiver');
    const tests = await t.admin.audit.list({ action: 'siem_sink.test', limit: 1 });
    assert.equal(tests.items[0].outcome, 'failed');
    // Failing for longer than alertAfterS: one record says so, with the reason.
    const alert = await eventually(
      async () => (await t.admin.audit.list({ action: 'siem.sink.failing', target: `siem_sink:${sink.id}` })).items[0],
      60_000,
      200,
    );
    assert.equal(alert.outcome, 'failed');
    assert.match(String(alert.details.reason), /unable to verify the first certificate/);
    await t.admin.siem.sinks.remove(sink.id);
  });

  it('refuses bad settings with the path of the bad value, and anyone but an admin', async () => {
    const refused = (path: string) => (e: ApiError) => e.code === 'validation_failed' && e.details?.path === path;
    await assert.rejects(
      t.admin.siem.sinks.create({ name: 'plain', kind: 'https-jsonl', config: { url: 'http://localhost/x' } }),
      refused('/config/url'),
    );
    await assert.rejects(
      t.admin.siem.sinks.create({ name: 'creds', kind: 'https-jsonl', config: { url: 'https://u:p@localhost/x' } }),
      refused('/config/url'),
    );
    await assert.rejects(
      t.admin.siem.sinks.create({ name: 'noca', kind: 'syslog-tls', config: { host: 'localhost' } }),
      refused('/config/caPem'),
    );
    await assert.rejects(
      t.admin.siem.sinks.create({
        name: 'src',
        kind: 'https-jsonl',
        config: { url: 'https://localhost/x', sources: ['audit', 'nope'] },
      }),
      refused('/config/sources'),
    );
    await assert.rejects(
      t.admin.siem.sinks.create({
        name: 'short',
        kind: 'https-jsonl',
        config: { url: 'https://localhost/x' },
        secret: 'x',
      }),
      refused('/secret'),
    );
    assert.equal((await t.admin.siem.sinks.list()).items.length, 0, 'a refused sink changed nothing');
    // The number of sinks is bounded.
    const made = [];
    for (let i = 0; i < 16; i++)
      made.push(
        await t.admin.siem.sinks.create({
          name: `off-${i}`,
          kind: 'https-jsonl',
          config: { url: 'https://localhost:1/x' },
          enabled: false,
        }),
      );
    await assert.rejects(
      t.admin.siem.sinks.create({ name: 'one-more', kind: 'https-jsonl', config: { url: 'https://localhost:1/x' } }),
      (e: ApiError) => e.code === 'conflict' && /at most 16 SIEM sinks/.test(e.message),
    );
    for (const m of made) await t.admin.siem.sinks.remove(m.id);
    const operator = await t.userClient('operator');
    await assert.rejects(operator.siem.sinks.list(), (e: ApiError) => e.code === 'forbidden' && e.status === 403);
  });
});
