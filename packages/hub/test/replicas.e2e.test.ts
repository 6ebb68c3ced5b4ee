import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Agent } from '@outpost/agent';
import { startTcpForward } from '@outpost/client/relay';
import type { OutpostClient } from '@outpost/client';
import { postgresMissing, startTestPostgres, type TestPostgresCluster } from '../src/storage/test-postgres.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice } from './support/devices.js';
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

describe('two hub replicas on one PostgreSQL and one Mosquitto', { skip }, () => {
  let cluster: TestPostgresCluster;
  let a: TestHub | undefined;
  let b: TestHub | undefined;
  let broker: MosquittoBroker;
  let bDir = '';
  let agent: Agent | undefined;
  let web: Awaited<ReturnType<typeof startHttpService>> | undefined;
  let op: OutpostClient;
  const relayOf = (t: TestHub) => t.hub.httpUrl.replace(/^http/, 'ws');

  before(async () => {
    cluster = await startTestPostgres();
    const url = await cluster.createDatabase('outpost');
    const s = await startHubOnMosquitto(1, { databaseUrl: url, brokerClientId: 'Outpost-Hub.replica-a' });
    a = s.t;
    broker = s.brokers[0];
    // The second replica: the same CA and KEK (a copied data directory), its own client id and port.
    bDir = `${a.dir}-b`;
    cpSync(a.dir, bDir, { recursive: true, filter: (src) => !src.endsWith('.lock') && !src.endsWith('.log') });
    cpSync(`${a.dir}.kek`, `${bDir}.kek`);
    b = await startTestHub(
      { databaseUrl: url, brokers: broker.entry, brokerDir: broker.dir, brokerClientId: 'Outpost-Hub.replica-b' },
      bDir,
    );
    await a.admin.groups.create({ path: 'plant', kind: 'static' });
    const dev = await enrollTestDevice(a, 'rep-gw-1', { group: 'plant' });
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
    rmSync(`${bDir}.kek`, { force: true });
  });

  it('shows a rollout started through one replica on a live stream of the other', async () => {
    const session = (await b!.anonymous().login('admin', 'admin-password-for-tests')).session;
    const stream = await openStream(b!, session);
    try {
      assert.equal(stream.status, 200);
      await eventually(() => stream.events.some((e) => e.event === 'hello'));
      const { keys } = await setupTrust(a!);
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
