import type { Readable } from 'node:stream';
import {
  createRecordInspector,
  PcapStreamReader,
  SubstationMonitor,
  type MonitorEvent,
  type RecordInspector,
  type SubstationInventory,
} from '@outpost/guard';
import type { AgentFeature, FeatureContext } from '../core/feature.js';

// The passive IEC 61850 monitor as an agent feature. A capture tool writes classic pcap to
// the agent (`tcpdump -i eth1 -U -w - 'ether proto 0x88b8 or tcp port 102' | outpost agent
// run --iec61850-capture -`): no capture code runs in the agent. GOOSE and MMS found there
// become device events through the durable queue: the inventory as it grows (publishers,
// MMS associations), sequence anomalies, writes and controls, and a periodic inventory.
// Events are limited per type and window; what is held back is counted and reported.

export interface SubstationMonitorOptions {
  /** The capture tool's output: stdin, a FIFO or a file. */
  input: Readable;
  /** How often publications are checked against their time allowed to live. Default 500 ms. */
  tickMs?: number;
  /** How often the whole inventory is reported. Default 15 minutes. */
  inventoryIntervalMs?: number;
  /** Events of one type passed per window; the rest are counted. Default 20 per 60 s. */
  burst?: number;
  windowMs?: number;
}

export interface SubstationMonitorFeature extends AgentFeature {
  inventory(): SubstationInventory;
  /** Resolves when the capture input has ended and every event has been queued. */
  ended(): Promise<void>;
}

const MAX_PENDING = 5000;
const MAX_INVENTORY_LISTED = 50;

type Queued = { type: string; severity: MonitorEvent['severity']; data: Record<string, unknown> };

export function createSubstationMonitorFeature(o: SubstationMonitorOptions): SubstationMonitorFeature {
  const monitor = new SubstationMonitor();
  const reader = new PcapStreamReader();
  const burst = o.burst ?? 20;
  const windowMs = o.windowMs ?? 60_000;
  const windows = new Map<string, { start: number; passed: number; held: number }>();
  const pending: Queued[] = [];
  let ctx: FeatureContext | undefined;
  let inspector: RecordInspector | undefined;
  let timers: Array<{ cancel(): void }> = [];
  let dropped = 0;
  let draining: Promise<void> = Promise.resolve();
  let stopped = false;
  let reportedError = false;
  let endedResolve: () => void = () => {};
  const endedPromise = new Promise<void>((r) => (endedResolve = r));

  function queue(q: Queued): void {
    if (pending.length >= MAX_PENDING) {
      dropped++;
      return;
    }
    pending.push(q);
    draining = draining.then(drain);
  }

  async function drain(): Promise<void> {
    if (!ctx) return;
    if (dropped > 0)
      pending.unshift({ type: 'iec61850.events_dropped', severity: 'warning', data: { count: dropped } });
    dropped = 0;
    for (let e = pending.shift(); e; e = pending.shift()) {
      await ctx
        .emit(e.type, e.severity, e.data)
        .catch((err: Error) => ctx?.logger.warn(`iec61850 event: ${err.message}`));
    }
  }

  // Per type: the first `burst` events of a window pass, the rest are counted and reported once.
  function admit(e: MonitorEvent, now: number): void {
    let w = windows.get(e.type);
    if (w && now - w.start >= windowMs) {
      closeWindow(e.type, w);
      w = undefined;
    }
    if (!w) windows.set(e.type, (w = { start: now, passed: 0, held: 0 }));
    if (w.passed < burst) {
      w.passed++;
      queue({ type: e.type, severity: e.severity, data: { ...e.data, capturedAt: e.ts } });
    } else w.held++;
  }

  function closeWindow(type: string, w: { start: number; held: number }): void {
    windows.delete(type);
    if (w.held > 0)
      queue({
        type: 'iec61850.events_suppressed',
        severity: 'info',
        data: { eventType: type, count: w.held, since: w.start },
      });
  }

  function onChunk(chunk: Buffer): void {
    if (stopped || !inspector) return;
    for (const rec of reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)))
      inspector.record(rec);
    if (reader.error && !reportedError) {
      reportedError = true;
      queue({ type: 'iec61850.capture_unreadable', severity: 'critical', data: { reason: reader.error } });
    }
  }

  function onEnd(): void {
    inspector?.flush();
    queue({
      type: 'iec61850.capture_ended',
      severity: 'warning',
      data: { records: reader.records, ...(reader.error ? { reason: reader.error } : {}) },
    });
    void draining.then(endedResolve);
  }

  function schedule(c: FeatureContext, ms: number, fn: () => void): void {
    const loop = () => {
      if (stopped) return;
      fn();
      timers.push(c.clock.setTimeout(loop, ms));
    };
    timers.push(c.clock.setTimeout(loop, ms));
  }

  function reportInventory(): void {
    const inv = monitor.inventory();
    const goose = inv.goose.slice(0, MAX_INVENTORY_LISTED).map((p) => ({
      gocbRef: p.gocbRef,
      appId: p.appId,
      mac: p.mac,
      datSet: p.datSet,
      confRev: p.confRev,
      stNum: p.stNum,
      expired: p.expired,
    }));
    const mms = inv.mms
      .slice(0, MAX_INVENTORY_LISTED)
      .map((a) => ({ client: a.client, server: a.server, requests: a.requests, writes: a.writes }));
    queue({
      type: 'iec61850.inventory',
      severity: 'info',
      data: { publications: inv.goose.length, associations: inv.mms.length, forgotten: inv.forgotten, goose, mms },
    });
  }

  return {
    name: 'iec61850-monitor',
    start(c) {
      ctx = c;
      inspector = createRecordInspector({}, (row) => {
        for (const e of monitor.observe(row)) admit(e, c.clock.now());
      });
      o.input.on('data', onChunk);
      o.input.once('end', onEnd);
      o.input.once('error', (err: Error) => {
        queue({
          type: 'iec61850.capture_unreadable',
          severity: 'critical',
          data: { reason: err.message.slice(0, 200) },
        });
        onEnd();
      });
      schedule(c, o.tickMs ?? 500, () => {
        for (const e of monitor.tick(c.clock.now())) admit(e, c.clock.now());
        for (const [type, w] of windows) if (c.clock.now() - w.start >= windowMs) closeWindow(type, w);
      });
      schedule(c, o.inventoryIntervalMs ?? 15 * 60_000, reportInventory);
    },
    stop() {
      stopped = true;
      for (const t of timers) t.cancel();
      timers = [];
      o.input.off('data', onChunk);
    },
    inventory: () => monitor.inventory(),
    ended: () => endedPromise,
  };
}
