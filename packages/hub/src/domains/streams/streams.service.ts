import { Counter } from 'prom-client';
import { compileValidator, DataMessage, type DataDropped } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { createGroupCommit } from '../../platform/group-commit.js';
import type { HubMetrics } from '../../platform/metrics.js';
import type { DataLatestIndex } from '../devices/index.js';
import type { BatchOutcome, BatchWrite, StreamsStore } from './streams.store.js';
import type { StreamValue, StreamsReader } from './streams.types.js';

/** A device event the hub records on the device's behalf (seq ≤ -1, apart from the device's own). */
export interface HubDeviceEvent {
  seq: number;
  ts: number;
  type: string;
  severity: 'info' | 'warning' | 'critical';
  data: Record<string, unknown>;
}

export interface StreamsIngestDeps {
  store: StreamsStore;
  clock: Clock;
  logger: Logger;
  metrics: HubMetrics;
  /** Records an event in the device's event list (a `dropped` report becomes `data.dropped`). */
  recordDeviceEvent(deviceId: string, e: HubDeviceEvent): Promise<void>;
  /** Points one device may have; values of further points are not filed. */
  maxPointsPerDevice: number;
  /** The devices domain's index of latest values, for `data.*` filters. */
  latestIndex: DataLatestIndex;
}

export interface StreamsIngest {
  /** Handles one `data` message: validated, filed at most once per (device, seq), then told to listeners. */
  onData(deviceId: string, payload: Buffer): Promise<void>;
  onValues: StreamsReader['onValues'];
}

const validate = compileValidator(DataMessage);

function newestPerPoint(values: readonly StreamValue[]) {
  const newest = new Map<string, StreamValue>();
  for (const v of values) {
    const n = newest.get(v.point);
    if (!n || v.sourceTs >= n.sourceTs) newest.set(v.point, v);
  }
  return [...newest.values()].map((v) => ({ point: v.point, value: v.value, quality: v.quality, ts: v.sourceTs }));
}

export function createStreamsIngest(d: StreamsIngestDeps): StreamsIngest {
  const batches = new Counter({
    name: 'outpost_stream_batches_total',
    help: 'Process data batches by outcome: filed, duplicate (seq filed before), rejected (invalid payload)',
    labelNames: ['outcome'],
    registers: [d.metrics.registry],
  });
  const values = new Counter({
    name: 'outpost_stream_values_total',
    help: 'Process data values filed',
    registers: [d.metrics.registry],
  });
  const refusedValues = new Counter({
    name: 'outpost_stream_values_refused_total',
    help: 'Process data values not filed because their device has reached its limit of points',
    registers: [d.metrics.registry],
  });
  const listeners = new Set<(deviceId: string, values: StreamValue[]) => void>();

  // Batches that arrive together (a fleet reporting at once) are filed in one transaction. Should
  // that transaction fail, each batch of the group is filed alone, so one bad batch fails only itself.
  type Filing = { write: BatchWrite; outcome?: BatchOutcome; error?: unknown };
  const filings = createGroupCommit<Filing>(async (group) => {
    try {
      const outcomes = await d.store.fileBatches(group.map((f) => f.write));
      group.forEach((f, i) => (f.outcome = outcomes[i]));
    } catch (err) {
      if (group.length === 1) throw err;
      for (const f of group)
        await d.store.fileBatch(f.write).then(
          (o) => (f.outcome = o),
          (e: unknown) => (f.error = e ?? new Error('batch not filed')),
        );
    }
  });
  async function file(write: BatchWrite): Promise<BatchOutcome> {
    const f: Filing = { write };
    await filings.submit(f);
    if (f.error !== undefined) throw f.error;
    return f.outcome!;
  }

  // One batch per device at a time: batches are filed, and listeners told, in the order they arrived.
  const running = new Map<string, Promise<void>>();
  function onData(deviceId: string, payload: Buffer): Promise<void> {
    const next = (running.get(deviceId) ?? Promise.resolve()).then(() => handle(deviceId, payload));
    const settled = next.catch(() => undefined);
    running.set(deviceId, settled);
    void settled.then(() => running.get(deviceId) === settled && running.delete(deviceId));
    return next;
  }

  async function handle(deviceId: string, payload: Buffer) {
    const parsed = validate.parse(payload);
    if (!parsed.ok) {
      batches.inc({ outcome: 'rejected' });
      d.logger.warn({ deviceId, code: parsed.code, message: parsed.message }, 'data batch rejected');
      return;
    }
    const m = parsed.value;
    const receivedAt = d.clock.now().getTime();
    const batch: StreamValue[] = m.values.map((v) => ({
      deviceId,
      point: v.p,
      value: v.v,
      quality: v.q ?? 'good',
      ...(v.r ? { reason: v.r } : {}),
      sourceTs: v.t,
      receivedAt,
    }));
    const out = await file({
      deviceId,
      seq: m.seq,
      receivedAt,
      defs: m.defs ?? [],
      values: batch,
      maxPoints: d.maxPointsPerDevice,
    });
    if (!out.filed) {
      batches.inc({ outcome: 'duplicate' });
      return;
    }
    batches.inc({ outcome: 'filed' });
    values.inc(out.values.length);
    if (out.refusedPoints.length) {
      refusedValues.inc(batch.length - out.values.length);
      d.logger.warn(
        { deviceId, points: out.refusedPoints.slice(0, 10) },
        'data points past the device limit not filed',
      );
    }
    await d.latestIndex.put(deviceId, newestPerPoint(out.values));
    if (m.dropped) await recordDropped(deviceId, m.seq, m.dropped, receivedAt);
    if (out.values.length)
      for (const l of listeners) {
        try {
          l(deviceId, out.values);
        } catch (err) {
          d.logger.error({ err, deviceId }, 'data listener failed');
        }
      }
  }

  function recordDropped(deviceId: string, seq: number, dropped: DataDropped, receivedAt: number) {
    // Filed once with its batch: the event's seq derives from the batch's, so a replay cannot add a second.
    return d.recordDeviceEvent(deviceId, {
      seq: -(seq + 1),
      ts: receivedAt,
      type: 'data.dropped',
      severity: 'warning',
      data: {
        count: dropped.count,
        from: new Date(dropped.from).toISOString(),
        to: new Date(dropped.to).toISOString(),
      },
    });
  }

  return {
    onData,
    onValues(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
