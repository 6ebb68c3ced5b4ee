import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../platform/manual-clock.js';
import { createMetrics } from '../../platform/metrics.js';
import { createLogger } from '../../platform/logger.js';
import { openTestDatabase, type TestDatabase } from '../../storage/test-database.js';
import type { AuditLog } from '../audit/index.js';
import { createDevicesStore, type DevicesStore } from './devices.store.js';
import { newDevice } from './devices.store.contract.js';
import { createIngestWriter } from './ingest.writer.js';
import { createDeviceGateway } from './devices.gateway.js';
import { startPresenceMonitor } from './presence.monitor.js';

const START = Date.parse('2026-12-01T00:00:00Z');
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const birth = (ts: number) => json({ v: 1, state: 'online', ts });
const health = (ts: number) => json({ v: 1, ts, uptimeS: 10, cpuPct: 1, memUsedPct: 2, diskUsedPct: 3 });
const hello = json({
  v: 1,
  model: 'm',
  firmware: '1.0.0',
  agentVersion: '0.1.0',
  bootId: 'b1',
  healthIntervalS: 60,
  capabilities: [],
});

/**
 * Two replicas' gateways over one real store, each with its own ingest writer, and the presence
 * sweep of the first. The broker side is played by the calls: on an external broker a device the
 * sweep dropped (dynamic security drops it without its will) reaches the replicas as a new birth
 * and messages, with no disconnect in between.
 */
async function twoReplicas(store: DevicesStore) {
  const clock = createManualClock(START);
  const logger = createLogger('silent');
  const dropped: string[] = [];
  const replica = () => {
    const ingest = createIngestWriter({
      write: (b) => store.writeBatch(b).then(() => undefined),
      flushMs: 10,
      clock,
      logger,
    });
    const gateway = createDeviceGateway({
      ingest,
      audit: { record: async () => undefined } as unknown as AuditLog,
      clock,
      logger,
      metrics: createMetrics(),
      heartbeatFactor: 3,
      onCommandResult: async () => undefined,
      onReady: () => undefined,
      storedHealthIntervalS: (id) => store.healthIntervalS(id),
    });
    return { ingest, gateway };
  };
  const a = replica();
  const b = replica();
  const sweep = startPresenceMonitor({
    store,
    ingest: a.ingest,
    clock,
    logger,
    everyMs: 3_600_000,
    isConnected: () => true,
    disconnect: (id) => dropped.push(id),
  });
  const settle = async () => {
    await a.ingest.flush();
    await b.ingest.flush();
  };
  const presence = async (id: string) => (await store.get(id))!.presence;
  return { clock, a, b, sweep, dropped, settle, presence };
}

describe('presence across two replicas sharing a broker', () => {
  let t: TestDatabase;
  let store: DevicesStore;
  before(async () => {
    t = await openTestDatabase();
    store = createDevicesStore(t.db);
    for (const id of ['d-birth', 'd-health', 'd-will', 'd-fresh'])
      await store.insert(newDevice({ id, certSerial: id }));
  });
  after(() => t.close());

  /** Connected and announced on both replicas (every replica follows a device's status). */
  async function connected(r: Awaited<ReturnType<typeof twoReplicas>>, id: string) {
    for (const x of [r.a, r.b]) {
      x.gateway.onConnect(id, null);
      await x.gateway.onMessage(id, 'status', birth(r.clock.now().getTime()));
    }
    // A hello resolves once stored: the writers flush on their timer, which this clock holds.
    const stored = r.a.gateway.onMessage(id, 'hello', hello);
    await r.settle();
    await stored;
    assert.equal(await r.presence(id), 'online');
  }

  it('marks a device the sweep dropped online again on the birth it redials with', async () => {
    const r = await twoReplicas(store);
    await connected(r, 'd-birth');
    // Its health went to a replica that fell behind: 3 × 60 s pass with nothing stored.
    await r.clock.advance(181_000);
    assert.equal(await r.sweep.sweep(), 1);
    assert.equal(await r.presence('d-birth'), 'offline');
    assert.deepEqual(r.dropped, ['d-birth']);
    // Dropped without a will, it redials: both replicas see only its new birth.
    await r.clock.advance(2_000);
    for (const x of [r.a, r.b]) await x.gateway.onMessage('d-birth', 'status', birth(r.clock.now().getTime()));
    await r.settle();
    assert.equal(await r.presence('d-birth'), 'online');
    const history = await store.presenceHistory('d-birth', new Date(START).toISOString());
    assert.deepEqual(
      history.map((h) => h.state),
      ['online', 'offline', 'online'],
    );
    assert.equal(history[2].at, new Date(START + 183_000).toISOString());
  });

  it('marks a connected device online again on its next message, whichever replica handles it', async () => {
    const r = await twoReplicas(store);
    await connected(r, 'd-health');
    await r.clock.advance(181_000);
    assert.equal(await r.sweep.sweep(), 1);
    assert.equal(await r.presence('d-health'), 'offline');
    // Replica b did not handle its hello and was never told it went offline.
    await r.clock.advance(1_000);
    await r.b.gateway.onMessage('d-health', 'health', health(r.clock.now().getTime()));
    await r.settle();
    assert.equal(await r.presence('d-health'), 'online');
    // Its stale time moved on: the next sweep leaves it alone.
    await r.clock.advance(60_000);
    assert.equal(await r.sweep.sweep(), 0);
  });

  it('keeps a device offline when its will follows a message in the same batch', async () => {
    const r = await twoReplicas(store);
    await connected(r, 'd-will');
    await r.clock.advance(1_000);
    await r.a.gateway.onMessage('d-will', 'health', health(r.clock.now().getTime()));
    r.a.gateway.onDisconnect('d-will');
    await r.settle();
    assert.equal(await r.presence('d-will'), 'offline');
  });

  it('does not mark offline (nor drop) a device whose newer message was stored before the sweep wrote', async () => {
    const r = await twoReplicas(store);
    await connected(r, 'd-fresh');
    await r.clock.advance(181_000);
    // The other replica stores the message it held just before the sweep runs.
    await r.b.gateway.onMessage('d-fresh', 'health', health(r.clock.now().getTime()));
    await r.b.ingest.flush();
    assert.equal(await r.sweep.sweep(), 0);
    assert.equal(await r.presence('d-fresh'), 'online');
    assert.deepEqual(r.dropped, []);
  });
});
