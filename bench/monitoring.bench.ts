// Monitoring figures (not part of `npm run bench`):
//   node --import tsx bench/monitoring.bench.ts [--devices 10000] [--runs 5] [--delays 5] [--eval-only]
// 1. Alert evaluation cost: N devices seeded into a real hub database, 5 fleet-wide rules
//    (5 × N rule/device evaluations per run), steady state and a run where 10% of devices fire.
// 2. Silence → notification: a real hub and device connections; the time from a device going
//    quiet to its alert arriving at a webhook on 127.0.0.1, for a dropped link (last will) and
//    a silent link (heartbeat timeout), with fast settings and with the defaults.
import { enrollDevice, loadIdentity } from '@outpost/agent';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { alertDataOn } from '../packages/hub/src/domains/alerts/alert-engine.fixture.js';
import { createAlertEngine } from '../packages/hub/src/domains/alerts/alert-engine.js';
import { createAlertsStore } from '../packages/hub/src/domains/alerts/alerts.store.js';
import { BUILT_IN_RULE_TYPES } from '../packages/hub/src/domains/alerts/rule-types/index.js';
import { createFleetSnapshotStore } from '../packages/hub/src/domains/devices/fleet-snapshot.store.js';
import { deps, seedDevices, silent, testClock, testDb } from '../packages/hub/src/domains/fleet/monitoring.fixture.js';
import { createOutboxStore } from '../packages/hub/src/domains/notifications/outbox.store.js';
import { startTestHub, eventually, type TestHub } from '../packages/hub/test/support/test-hub.js';
import { startWebhookReceiver } from '../packages/hub/test/support/notify-receivers.js';
import { emitRows, percentile, type Row } from './support.js';

const args = process.argv.slice(2);
const arg = (f: string, d: number) => Number(args[args.indexOf(f) + 1] ?? d) || d;
const DEVICES = arg('--devices', 10_000);
const RUNS = arg('--runs', 5);
const DELAYS = arg('--delays', 5);
const log = (m: string) => console.error(`[monitoring] ${m}`);

async function evaluationCost() {
  const env = await testDb();
  const clock = testClock(Date.parse('2026-03-02T12:00:00Z'));
  const now = clock.now().getTime();
  const health = (cpu: number) =>
    JSON.stringify({
      v: 1,
      ts: now,
      uptimeS: 1000,
      cpuPct: cpu,
      memUsedPct: 40,
      diskUsedPct: 50,
      temperatureC: 45,
      signalDbm: -80,
    });
  await seedDevices(env.db, DEVICES, (i) => ({
    id: `dev-${String(i).padStart(6, '0')}`,
    health_json: health(i % 90),
    health_at: new Date(now - 10_000).toISOString(),
    presence: i % 100 === 0 ? 'offline' : 'online',
    presence_changed_at: new Date(now - 30_000).toISOString(),
  }));
  const changes = Array.from({ length: DEVICES / 10 }, (_, k) => ({
    device_id: `dev-${String(k * 10 + 1).padStart(6, '0')}`,
    state: 'offline',
    at: new Date(now - 600_000).toISOString(),
  }));
  for (let k = 0; k < changes.length; k += 500)
    await env.db
      .insertInto('presence_changes')
      .values(changes.slice(k, k + 500))
      .execute();
  const store = createAlertsStore(env.db, createOutboxStore(env.db).addIntents);
  const rule = (name: string, type: string, params: Record<string, unknown>) =>
    store.insertRule({
      id: `rul_${name}`,
      name,
      type,
      severity: 'warning',
      scope: {},
      params,
      forS: 0,
      clearForS: 0,
      channels: [],
      enabled: true,
      createdBy: 'bench',
      createdAt: '',
      updatedAt: '',
    });
  await rule('offline', 'offline', { afterS: 300 });
  await rule('cpu', 'metric', { metric: 'cpu', threshold: 95 });
  await rule('missing', 'missing_data', { factor: 3 });
  await rule('cert', 'cert_expiry', { days: 30 });
  await rule('flaky', 'disconnects', { count: 5, windowS: 3600 });
  const engine = createAlertEngine({
    store,
    fleet: createFleetSnapshotStore(env.db),
    selector: deps(env.db, clock).selector,
    data: alertDataOn(env.db),
    traffic: { status: () => undefined, newPortsSince: async () => new Map() },
    healthOf: async () => new Map(),
    types: new Map(BUILT_IN_RULE_TYPES.map((t) => [t.type, t])),
    enabledChannels: async () => new Set(),
    deviceUrl: (id) => id,
    clock,
    logger: silent,
  });
  const steady: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const s = await engine.evaluate();
    if (r > 0) steady.push(s.ms);
    log(`run ${r}: ${s.ms} ms, ${s.evaluations} evaluations, fired ${s.fired}`);
  }
  // 10% of the fleet crosses the CPU threshold at once: the run that writes 1,000 alerts.
  await env.db
    .updateTable('devices')
    .set({ health_json: health(99) })
    .where('id', 'like', '%0')
    .execute();
  const storm = await engine.evaluate();
  log(`storm: ${storm.ms} ms, fired ${storm.fired}`);
  await env.close();
  steady.sort((a, b) => a - b);
  return {
    devices: DEVICES,
    rules: 5,
    evaluations: DEVICES * 5,
    medianMs: percentile(steady, 50),
    maxMs: steady[steady.length - 1],
    perRuleMs: storm.perRuleMs,
    stormMs: storm.ms,
    stormFired: storm.fired,
  };
}

async function device(t: TestHub, id: string, intervalS: number) {
  const tok = await t.admin.enrollment.createToken({ label: id });
  const dir = mkdtempSync(join(tmpdir(), `mon-bench-${id}-`));
  await enrollDevice({ hubUrl: t.hub.httpUrl, token: tok.token, caFingerprint: tok.caFingerprint, dir, deviceId: id });
  const ident = (await loadIdentity(dir))!;
  const c = await new Promise<mqtt.MqttClient>((resolve, reject) => {
    const m = mqtt.connect(`mqtts://127.0.0.1:${t.hub.mqttPort}`, {
      clientId: id,
      key: ident.privateKeyPem,
      cert: ident.certPem,
      ca: ident.caPem,
      protocolVersion: 4,
      reconnectPeriod: 0,
      keepalive: 600,
    });
    m.once('connect', () => resolve(m));
    m.once('error', reject);
  });
  const pub = (s: string, p: unknown) =>
    new Promise<void>((r) => c.publish(`outpost/v1/d/${id}/${s}`, JSON.stringify(p), { qos: 1 }, () => r()));
  await pub('hello', {
    v: 1,
    agentVersion: 'bench',
    firmware: '1',
    model: 'bench',
    bootId: 'b1',
    healthIntervalS: intervalS,
    capabilities: [],
  });
  await pub('health', { v: 1, ts: Date.now(), uptimeS: 1, cpuPct: 1, memUsedPct: 1, diskUsedPct: 1 });
  rmSync(dir, { recursive: true, force: true });
  return c;
}

async function silenceToNotification(label: string, hubConfig: Record<string, number>, waitS: number) {
  const t = await startTestHub({ logLevel: 'warn', heartbeatFactor: 3, ...hubConfig });
  let secret = '';
  const hook = await startWebhookReceiver(() => secret);
  const ch = await t.admin.channels.create({
    name: 'bench',
    kind: 'webhook',
    config: { url: hook.url() },
    digest: { waitS, intervalS: 0 },
  });
  secret = ch.secret!;
  await t.admin.rules.create({
    name: 'offline now',
    type: 'offline',
    params: { afterS: 0 },
    channels: [ch.channel.id],
  });
  const out: Record<string, number[]> = { dropped: [], silent: [] };
  for (let i = 0; i < DELAYS; i++) {
    for (const mode of ['dropped', 'silent'] as const) {
      const id = `${mode}-${i}`;
      const c = await device(t, id, 2);
      await eventually(async () => (await t.admin.devices.get(id)).presence === 'online', 10_000, 20);
      const before = hook.received.length;
      // Dropped: the socket closes, the broker publishes the will. Silent: the socket stays up and
      // nothing more is sent after the device's last report (made just before it came online).
      const start = mode === 'dropped' ? Date.now() : Date.parse((await t.admin.devices.get(id)).lastSeenAt!);
      if (mode === 'dropped') c.stream.destroy();
      const at = await eventually(
        () => hook.received.slice(before).find((r) => JSON.stringify(r.json).includes(`"${id}"`)),
        60_000,
        5,
      );
      out[mode].push(at.at - start);
      c.end(true);
    }
  }
  await t.stop();
  await hook.stop();
  const sum = (xs: number[]) => ({
    medianMs: percentile(
      [...xs].sort((a, b) => a - b),
      50,
    ),
    maxMs: Math.max(...xs),
  });
  log(`${label}: dropped ${JSON.stringify(out.dropped)} silent ${JSON.stringify(out.silent)}`);
  return { label, ...hubConfig, digestWaitS: waitS, dropped: sum(out.dropped), silent: sum(out.silent) };
}

const cost = await evaluationCost();
console.log(JSON.stringify({ evaluation: cost }, null, 2));
const evalScenario = `alert evaluation (${DEVICES} devices × 5 rules)`;
const rows: Row[] = [
  { scenario: evalScenario, metric: 'evaluation run, median', value: cost.medianMs, unit: 'ms' },
  { scenario: evalScenario, metric: 'run where 10% fire', value: cost.stormMs, unit: 'ms' },
];
if (!args.includes('--eval-only')) {
  const runs = [
    await silenceToNotification(
      'fast: eval 1 s, sweep 0.5 s, digest wait 0 s, health every 2 s',
      { alertEvalMs: 1000, presenceSweepMs: 500 },
      0,
    ),
  ];
  if (!args.includes('--fast-only'))
    runs.push(
      await silenceToNotification(
        'defaults: eval 5 s, sweep 2 s, digest wait 10 s, health every 2 s',
        { alertEvalMs: 5000, presenceSweepMs: 2000 },
        10,
      ),
    );
  console.log(JSON.stringify({ silenceToNotification: runs }, null, 2));
  for (const [i, r] of runs.entries()) {
    const scenario = `device silent → webhook (${i === 0 ? 'eval 1 s, no digest wait' : 'defaults'})`;
    rows.push(
      { scenario, metric: 'link dropped, median', value: r.dropped.medianMs, unit: 'ms' },
      { scenario, metric: 'link silent, median', value: r.silent.medianMs, unit: 'ms' },
    );
  }
}
emitRows(rows);
process.exit(0);
