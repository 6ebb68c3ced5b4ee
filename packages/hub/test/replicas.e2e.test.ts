import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from '@outpost/agent';
import { startTcpForward } from '@outpost/client/relay';
import { createClient, downloadRecording, send, type OutpostClient, type TransportOptions } from '@outpost/client';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from '../src/storage/test-postgres.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO_BIN, startHubOnMosquitto, type MosquittoBroker } from './support/mosquitto-broker.js';
import { operatorLeg, startAccessAgent, startHttpService } from './support/access-peers.js';
import { eventsOf, openStream } from './support/live-stream.js';
import { releaseArtifact, setupTrust } from './support/updates.js';

const skip = (!MOSQUITTO_BIN && 'mosquitto not installed') || postgresMissing();

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

/** GETs `path` of a replica with TLS options of the caller (a device's certificate, or an operator's session). */
function getBytes(
  t: TestHub,
  path: string,
  o: { ca: string; cert?: string; key?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https
      .get(new URL(path, t.hub.httpUrl), { ...o, agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

const asDevice = (d: EnrolledDevice, range: string) => ({
  ca: d.caPem,
  cert: d.certPem,
  key: d.keyPem,
  headers: { range },
});
const asOperator = (o: TransportOptions) => {
  const headers: Record<string, string> = o.token
    ? { authorization: `Bearer ${o.token}` }
    : { cookie: `outpost_session=${o.session ?? ''}` };
  return { ca: o.caPem!, headers };
};

const API_PER_MINUTE = 1200;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('two hub replicas on one PostgreSQL and one Mosquitto', { skip }, () => {
  let cluster: TestPostgresCluster;
  let a: TestHub | undefined;
  let b: TestHub | undefined;
  let broker: MosquittoBroker;
  let bDir = '';
  let agent: Agent | undefined;
  let web: Awaited<ReturnType<typeof startHttpService>> | undefined;
  let op: OutpostClient;
  let dev: EnrolledDevice;
  let keys: Awaited<ReturnType<typeof setupTrust>>['keys'] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'outpost-replicas-'));
  const relayOf = (t: TestHub) => t.hub.httpUrl.replace(/^http/, 'ws');

  before(async () => {
    cluster = await startTestPostgres();
    const url = await cluster.createDatabase('outpost');
    // The default API budget (tests otherwise lift it): one caller's is shared by both replicas.
    const s = await startHubOnMosquitto(1, {
      databaseUrl: url,
      brokerClientId: 'Outpost-Hub.replica-a',
      apiRequestsPerMinute: API_PER_MINUTE,
    });
    a = s.t;
    broker = s.brokers[0];
    // The second replica: the same CA and KEK (a copied data directory), its own client id and port.
    bDir = `${a.dir}-b`;
    cpSync(a.dir, bDir, { recursive: true, filter: (src) => !src.endsWith('.lock') && !src.endsWith('.log') });
    cpSync(`${a.dir}.kek`, `${bDir}.kek`);
    b = await startTestHub(
      {
        databaseUrl: url,
        brokers: broker.entry,
        brokerDir: broker.dir,
        brokerClientId: 'Outpost-Hub.replica-b',
        apiRequestsPerMinute: API_PER_MINUTE,
      },
      bDir,
    );
    await a.admin.groups.create({ path: 'plant', kind: 'static' });
    dev = await enrollTestDevice(a, 'rep-gw-1', { group: 'plant' });
    web = await startHttpService();
    agent = startAccessAgent(a, dev, { allowHosts: [] }, broker.devicePort);
    await b.admin.access.createPolicy({
      name: 'plant-web',
      group: 'plant',
      targets: [`tcp:${web.port}`],
      mfaMaxAgeS: null,
      maxConcurrent: 4,
    });
    op = await b.userClient('operator');
    // Every replica follows each device's status on the broker.
    await eventually(async () => (await b!.admin.devices.get(dev.id)).presence === 'online', 30_000);
  });
  after(async () => {
    await agent?.stop();
    await web?.close();
    await b?.stop();
    await a?.stop();
    await cluster?.stop();
    if (bDir) rmSync(bDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    rmSync(`${bDir}.kek`, { force: true });
  });

  it('shows a rollout started through one replica on a live stream of the other', async () => {
    const session = (await b!.anonymous().login('admin', 'admin-password-for-tests')).session;
    const stream = await openStream(b!, session);
    try {
      assert.equal(stream.status, 200);
      await eventually(() => stream.events.some((e) => e.event === 'hello'));
      ({ keys } = await setupTrust(a!));
      const art = await releaseArtifact(a!, keys, { version: '2.0.0', models: ['gw-200'], size: 1024 });
      const r = await a!.admin.rollouts.create({
        name: 'replicas 2.0.0',
        artifactId: art.id,
        target: { filter: 'id ~ "rep-"' },
        waves: [{ percent: 100 }],
      });
      await eventually(() => eventsOf(stream, 'rollout').some((e) => e.data.id === r.id), 15_000);
      await a!.admin.rollouts.cancel(r.id);
    } finally {
      stream.close();
    }
  });

  it('serves an artifact uploaded through one replica from the other, to an operator and to a device', async () => {
    const model = (await b!.admin.devices.get(dev.id)).model;
    assert.ok(model, 'the device reported its model');
    // Several of the database store's chunks, not a multiple of one.
    const art = await releaseArtifact(a!, keys, { name: 'rep-fw', version: '3.0.0', models: [model], size: 700_001 });
    assert.equal(art.sha256, sha256(art.content));
    const got = await getBytes(b!, `/api/v1/artifacts/${art.id}/content`, asOperator(b!.admin.options));
    assert.equal(got.status, 200);
    assert.equal(sha256(got.body), art.sha256);
    // The bytes live in the database, not in either replica's data directory.
    const rows = await a!.hub.db
      .selectFrom('blobs')
      .select('size')
      .where('key', '=', `artifacts/${art.sha256}`)
      .execute();
    assert.deepEqual(
      rows.map((r) => Number(r.size)),
      [700_001],
    );

    const r = await a!.admin.rollouts.create({
      name: 'replicas 3.0.0',
      artifactId: art.id,
      target: { filter: `id = "${dev.id}"` },
      waves: [{ percent: 100 }],
    });
    try {
      // Once the job is sent, the device may fetch the artifact, here a range across a chunk edge, through b.
      const path = `/api/v1/artifacts/${art.id}/download`;
      const part = await eventually(async () => {
        const res = await getBytes(b!, path, asDevice(dev, 'bytes=262000-300000'));
        return res.status === 206 ? res : null;
      }, 20_000);
      assert.ok(part.body.equals(art.content.subarray(262_000, 300_001)));
      const whole = await getBytes(b!, path, asDevice(dev, 'bytes=0-'));
      assert.equal(sha256(whole.body), art.sha256);
    } finally {
      await a!.admin.rollouts.cancel(r.id);
    }
  });

  it('plays back through one replica a recording made on the other', async () => {
    const rec = await startHttpService();
    try {
      await a!.admin.access.createPolicy({
        name: 'plant-web-captured',
        group: 'plant',
        targets: [`tcp:${rec.port}`],
        mfaMaxAgeS: null,
        maxConcurrent: 4,
        captureTcp: true,
      });
      const opA = await a!.userClient('operator');
      const r = await opA.access.request({
        deviceId: dev.id,
        target: `tcp:${rec.port}`,
        reason: 'capture',
        durationS: 120,
      });
      assert.equal(r.relayUrl, `${relayOf(a!)}${r.relayPath}`);
      const link = operatorLeg(a!, opA, r);
      await link.ready;
      const fwd = await startTcpForward(link);
      assert.equal(await httpGet(fwd.port, '/recorded-on-a'), 'hello /recorded-on-a\n');
      link.close();
      const sealed = await eventually(async () => (await opA.access.session(r.session.id)).recording?.sha256, 20_000);
      const file = join(scratch, 'session.pcap');
      const played = await downloadRecording(b!.admin.options, r.session.id, file);
      assert.equal(played.kind, 'pcap');
      assert.equal(played.sha256, sealed);
      assert.ok(readFileSync(file).includes('hello /recorded-on-a'), 'the capture holds the bytes that crossed');
    } finally {
      await rec.close();
    }
  });

  it('shares one caller’s request budget between the replicas', async () => {
    const { token } = await a!.admin.tokens.create({ name: 'rate-shared', role: 'viewer' });
    const via = [a!, b!].map((t) => createClient({ baseUrl: t.hub.httpUrl, caPem: t.hub.caPem, token }).options);
    // A costly route: a tenth of the budget, 120 a minute, counted across both replicas.
    const statuses: number[] = [];
    for (let i = 0; i < API_PER_MINUTE / 10 + 6; i++)
      statuses.push((await send(via[i % 2], 'GET', '/api/v1/audit/verify')).status);
    assert.equal(statuses.indexOf(429), 120, `first 429 at ${statuses.indexOf(429)}`);
    assert.ok(statuses.slice(120).every((s) => s === 429));
    assert.ok(statuses.slice(0, 120).every((s) => s === 200));
  });

  it('meets both legs of a session on the replica that opened it, and keeps it through the loss of the other', async () => {
    const r = await op.access.request({
      deviceId: 'rep-gw-1',
      target: `tcp:${web!.port}`,
      reason: 'web',
      durationS: 120,
    });
    assert.ok(r.operatorToken);
    // Opened through replica b: the operator's and the device's legs both dial b.
    assert.equal(r.relayUrl, `${relayOf(b!)}${r.relayPath}`);
    const row = await a!.hub.db
      .selectFrom('access_sessions')
      .select('relay_url')
      .where('id', '=', r.session.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.relay_url, relayOf(b!));
    // A leg that lands on the other replica is sent to the right one, its token unspent.
    const astray = operatorLeg(a!, op, { ...r, relayUrl: `${relayOf(a!)}${r.relayPath}` });
    const refusal = await astray.ended;
    assert.equal(refusal.reason, 'wrong_relay', JSON.stringify(refusal));
    const link = operatorLeg(b!, op, r);
    await link.ready;
    const fwd = await startTcpForward(link);
    assert.equal(await httpGet(fwd.port, '/before'), 'hello /before\n');
    // Replica a goes away; the session lives on b.
    await a!.stop();
    a = undefined;
    assert.equal(await httpGet(fwd.port, '/after'), 'hello /after\n');
    link.close();
    const done = await eventually(async () => {
      const s = await op.access.session(r.session.id);
      return s.state === 'closed' ? s : null;
    });
    assert.equal(done.closeReason, 'operator_closed');
  });
});
