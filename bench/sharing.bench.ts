// Sharing with SCADA (not part of `npm run bench` by default; run on its own):
//   node --import tsx --conditions=source bench/sharing.bench.ts [--runs 5] [--items 20000]
// 1. A device's link cut → Sparkplug DDEATH at a host on a real Mosquitto, and → Bad_NoCommunication
//    at a subscribed OPC UA client (Basic256Sha256 SignAndEncrypt), over `--runs` cuts.
// 2. The OPC UA server with `--items` monitored items (devices of 1000 points): the hub process's
//    memory before and after subscribing, and the time from one batch per device to the last
//    data change at the client.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { hash } from '@node-rs/argon2';
import mqtt from 'mqtt';
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
} from 'node-opcua';
import { startDataDevice } from '../packages/hub/test/support/data-device.js';
import { enrollTestDevice } from '../packages/hub/test/support/devices.js';
import { startTestMosquitto } from '../packages/hub/test/support/mosquitto.js';
import { eventually, restartablePort, startTestHub } from '../packages/hub/test/support/test-hub.js';
import { emitRows, percentile, type Row } from './support.js';

const args = process.argv.slice(2);
const arg = (f: string, d: number) => Number(args[args.indexOf(f) + 1] ?? d) || d;
const RUNS = arg('--runs', 5);
const ITEMS = arg('--items', 20_000);
const PER_DEVICE = 1000;
const log = (m: string) => console.error(`[sharing] ${m}`);

const dir = mkdtempSync(join(tmpdir(), 'outpost-sharing-bench-'));
const clientPki = mkdtempSync(join(tmpdir(), 'outpost-sharing-client-'));
const broker = await startTestMosquitto();
const port = await restartablePort();
const certs = new OPCUACertificateManager({ rootFolder: clientPki, automaticallyAcceptUnknownCertificate: true });
await certs.initialize();
const client = OPCUAClient.create({
  applicationName: 'sharing-bench',
  securityMode: MessageSecurityMode.SignAndEncrypt,
  securityPolicy: SecurityPolicy.Basic256Sha256,
  endpointMustExist: false,
  connectionStrategy: { maxRetry: 0 },
  clientCertificateManager: certs,
  certificateFile: join(clientPki, 'own', 'certs', 'client.pem'),
  privateKeyFile: join(clientPki, 'own', 'private', 'private_key.pem'),
  requestedSessionTimeout: 600_000,
});
await client.createDefaultCertificate();
const trusted = join(dir, 'opcua', 'pki', 'trusted', 'certs');
mkdirSync(trusted, { recursive: true });
copyFileSync(client.certificateFile, join(trusted, basename(client.certificateFile)));
const t = await startTestHub(
  {
    logLevel: 'warn',
    deviceMessagesPerMinute: 600_000,
    deviceMessageBurst: 100_000,
    sparkplug: { enabled: true, brokerUrl: broker.url, groupId: 'bench', edgeNodeId: 'hub', reconnectMs: 200 },
    opcua: {
      enabled: true,
      port,
      users: [{ username: 'bench', passwordHash: await hash('bench-password-1'), role: 'viewer' }],
      maxMonitoredItems: ITEMS + 100,
    },
  },
  dir,
);
const rows: Row[] = [];
try {
  await t.hub.domains.sharing.ready();
  await client.connect(`opc.tcp://127.0.0.1:${port}`);
  const session = await client.createSession({
    type: UserTokenType.UserName,
    userName: 'bench',
    password: 'bench-password-1',
  });
  const sub = await session.createSubscription2({
    requestedPublishingInterval: 50,
    requestedMaxKeepAliveCount: 20,
    requestedLifetimeCount: 1000,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
  });

  // 1. Link cut → DDEATH and → Bad_NoCommunication.
  const deaths: number[] = [];
  const host = mqtt.connect(broker.url, { clientId: 'bench-host', reconnectPeriod: 0 });
  await new Promise<void>((r) => host.once('connect', () => host.subscribe('spBv1.0/bench/DDEATH/#', () => r())));
  host.on('message', () => deaths.push(Date.now()));
  const enrolled = await enrollTestDevice(t, 'bench-cut-1');
  const device = await startDataDevice(t, enrolled);
  await device.publish([{ p: 'level', v: 1, t: Date.now() }], [{ p: 'level', type: 'number' }]);
  const item = await sub.monitor(
    { nodeId: `ns=1;s=${enrolled.id}/level`, attributeId: AttributeIds.Value },
    { samplingInterval: 0, queueSize: 10 },
    TimestampsToReturn.Both,
  );
  let lastStatus = '';
  let badAt = 0;
  item.on('changed', (dv) => {
    lastStatus = dv.statusCode.name;
    if (lastStatus === 'BadNoCommunication' && !badAt) badAt = Date.now();
  });
  const toDeath: number[] = [];
  const toBad: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await eventually(() => lastStatus === 'Good', 30_000);
    badAt = 0;
    const before = deaths.length;
    const cut = Date.now();
    device.drop();
    await eventually(() => badAt && deaths.length > before, 30_000);
    toBad.push(badAt - cut);
    toDeath.push(deaths[before]! - cut);
    await device.reconnect();
    await device.publish([{ p: 'level', v: run + 2, t: Date.now() }]);
  }
  device.close();
  host.end(true);
  toBad.sort((a, b) => a - b);
  toDeath.sort((a, b) => a - b);
  rows.push(
    {
      scenario: 'sharing',
      metric: 'link cut → OPC UA Bad_NoCommunication p50',
      value: percentile(toBad, 50),
      unit: 'ms',
    },
    { scenario: 'sharing', metric: 'link cut → OPC UA Bad_NoCommunication max', value: toBad.at(-1)!, unit: 'ms' },
    { scenario: 'sharing', metric: 'link cut → Sparkplug DDEATH p50', value: percentile(toDeath, 50), unit: 'ms' },
    { scenario: 'sharing', metric: 'link cut → Sparkplug DDEATH max', value: toDeath.at(-1)!, unit: 'ms' },
  );
  log(`cut → Bad_NoCommunication ${toBad.join(', ')} ms; → DDEATH ${toDeath.join(', ')} ms`);

  // 2. Many monitored items.
  const devices = Math.ceil(ITEMS / PER_DEVICE);
  const names = Array.from({ length: PER_DEVICE }, (_, k) => `p${k}`);
  const feeds = [];
  for (let i = 0; i < devices; i++) {
    const e = await enrollTestDevice(t, `bench-many-${i}`);
    const d = await startDataDevice(t, e);
    const now = Date.now();
    // Batches of 200 points keep each message well under the hub's size limit.
    for (let k = 0; k < PER_DEVICE; k += 200) {
      const part = names.slice(k, k + 200);
      await d.publish(
        part.map((p) => ({ p, v: 0, t: now })),
        part.map((p) => ({ p, type: 'number' as const })),
      );
    }
    feeds.push({ id: e.id, d });
  }
  await eventually(() => (t.hub.domains.sharing.opcua()?.variables ?? 0) >= devices * PER_DEVICE, 120_000, 200);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const nodes = feeds.flatMap((f) =>
    names.map((p) => ({ nodeId: `ns=1;s=${f.id}/${p}`, attributeId: AttributeIds.Value })),
  );
  let changes = 0;
  let lastChange = 0;
  for (let i = 0; i < nodes.length; i += 5000) {
    const group = await sub.monitorItems(
      nodes.slice(i, i + 5000),
      { samplingInterval: 0, queueSize: 1 },
      TimestampsToReturn.Both,
    );
    (group as ClientMonitoredItemGroup).on('changed', () => {
      changes++;
      lastChange = Date.now();
    });
  }
  await eventually(() => changes >= nodes.length, 120_000, 100);
  const rssAfter = process.memoryUsage().rss;
  changes = 0;
  const sent = Date.now();
  for (const f of feeds)
    for (let k = 0; k < PER_DEVICE; k += 200)
      await f.d.publish(names.slice(k, k + 200).map((p, j) => ({ p, v: k + j + 1, t: sent })));
  await eventually(() => changes >= nodes.length, 120_000, 20);
  rows.push(
    { scenario: 'sharing', metric: `OPC UA monitored items`, value: nodes.length, unit: 'items' },
    {
      scenario: 'sharing',
      metric: 'memory for the monitored items (process RSS growth)',
      value: Math.round((rssAfter - rssBefore) / 1e6),
      unit: 'MB',
    },
    {
      scenario: 'sharing',
      metric: 'new values for every point (batches of 200) → last data change at the client',
      value: lastChange - sent,
      unit: 'ms',
    },
  );
  log(`${nodes.length} items: RSS +${Math.round((rssAfter - rssBefore) / 1e6)} MB; update ${lastChange - sent} ms`);
  for (const f of feeds) f.d.close();
  await session.close();
} finally {
  await client.disconnect().catch(() => {});
  await t.stop();
  await certs.dispose();
  await broker.stop();
  for (const d of [dir, clientPki]) rmSync(d, { recursive: true, force: true });
  rmSync(`${dir}.kek`, { force: true });
}
emitRows(rows);
