import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../platform/manual-clock.js';
import { createMetrics } from '../../platform/metrics.js';
import { createLogger } from '../../platform/logger.js';
import type { AuditLog } from '../audit/index.js';
import { emptyBatch, type IngestBatch } from './devices.types.js';
import type { IngestWriter } from './ingest.writer.js';
import { createDeviceGateway } from './devices.gateway.js';

const START = Date.parse('2026-12-01T00:00:00Z');
const health = (ts: number) =>
  Buffer.from(JSON.stringify({ v: 1, ts, uptimeS: 10, cpuPct: 1, memUsedPct: 2, diskUsedPct: 3 }));

/** A gateway over a recording ingest writer; `stored` plays the devices table's announced intervals. */
function gatewayWith(stored: Map<string, number>) {
  const clock = createManualClock(START);
  const batches: IngestBatch[] = [];
  const ingest = {
    add: async (fill: (b: IngestBatch) => void) => {
      const b = emptyBatch();
      fill(b);
      batches.push(b);
    },
  } as unknown as IngestWriter;
  const reads: string[] = [];
  const gateway = createDeviceGateway({
    ingest,
    audit: { record: async () => undefined } as unknown as AuditLog,
    clock,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    heartbeatFactor: 3,
    onCommandResult: async () => undefined,
    onReady: () => undefined,
    storedHealthIntervalS: async (id) => {
      reads.push(id);
      return stored.get(id) ?? null;
    },
  });
  const staleAt = (id: string) => batches.findLast((b) => b.seen.has(id))!.seen.get(id)!.staleAt;
  return { gateway, clock, reads, staleAt };
}

describe('the device gateway', () => {
  it('judges a device whose hello another replica handled by the interval its stored hello announced', async () => {
    const stored = new Map([['d-slow', 300]]);
    const { gateway, clock, reads, staleAt } = gatewayWith(stored);
    await gateway.onMessage('d-slow', 'health', health(START));
    // 300 s × 3 missed intervals, not the default 30 s × 3 (which marked such a device offline after 90 s).
    assert.equal(staleAt('d-slow'), new Date(START + 900_000).toISOString());
    await gateway.onMessage('d-slow', 'health', health(START));
    assert.deepEqual(reads, ['d-slow'], 'read once, then kept');
    // The hello that changed it reached another replica: read again after a minute.
    stored.set('d-slow', 120);
    await clock.advance(61_000);
    await gateway.onMessage('d-slow', 'health', health(START + 61_000));
    assert.equal(staleAt('d-slow'), new Date(START + 61_000 + 360_000).toISOString());
    assert.equal(reads.length, 2);
  });

  it('takes the interval of a hello it handles itself, without reading the store', async () => {
    const { gateway, reads, staleAt } = gatewayWith(new Map([['d-1', 300]]));
    const hello = {
      v: 1,
      model: 'm',
      firmware: '1.0.0',
      agentVersion: '0.1.0',
      bootId: 'b1',
      healthIntervalS: 60,
      capabilities: [],
    };
    await gateway.onMessage('d-1', 'hello', Buffer.from(JSON.stringify(hello)));
    await gateway.onMessage('d-1', 'health', health(START));
    assert.equal(staleAt('d-1'), new Date(START + 180_000).toISOString());
    assert.deepEqual(reads, []);
  });

  it('reads no interval for the status message that opens every connection, and still marks the device ready', async () => {
    const { gateway, reads } = gatewayWith(new Map([['d-2', 300]]));
    gateway.onConnect('d-2', null);
    await gateway.onMessage('d-2', 'status', Buffer.from(JSON.stringify({ v: 1, state: 'online', ts: START })));
    assert.deepEqual(reads, []);
    assert.equal(gateway.isReady('d-2'), true);
    // The first message that is judged by the interval reads it.
    await gateway.onMessage('d-2', 'health', health(START));
    assert.deepEqual(reads, ['d-2']);
  });
});
