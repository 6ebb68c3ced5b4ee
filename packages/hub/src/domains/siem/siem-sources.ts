import type { AuditCheckpoint, AuditComponent, AuditRecord } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { fromAlertEvent, fromAuditRecord, fromCheckpoint, fromDeviceEvent } from './siem-event.js';
import type { StoredAlertEvent, StoredDeviceEvent, SiemSource } from './siem-event.js';
import type { SourceReader } from './siem-outbox.js';

/** A stream ordered by time of storing, read with a cut-off (see the devices and alerts exports). */
export interface TimeOrderedStream<E> {
  after(position: string | null, until: string, limit: number): Promise<E[]>;
  countAfter(position: string | null, until: string, cap: number): Promise<number>;
  head(until: string): Promise<string | null>;
}

export interface SiemSourcePorts {
  audit: {
    readAfter(seq: number, limit: number): Promise<AuditRecord[]>;
    lastSeq(): Promise<number>;
  };
  checkpoints: {
    range(fromSeq: number, toSeq: number, limit?: number): Promise<AuditCheckpoint[]>;
    latestSeq(): Promise<number>;
  };
  deviceEvents: TimeOrderedStream<StoredDeviceEvent>;
  alertEvents: TimeOrderedStream<StoredAlertEvent>;
  component: AuditComponent;
  clock: Clock;
}

// Rows stamped with a time are read only once they are this old: the ingest writer commits a batch
// up to a few seconds after its events arrived, and an exporter must not pass over them meanwhile.
export const SETTLE_MS = 5_000;

const seqOf = (position: string | null) => (position === null ? 0 : Number(position));

export function createSiemSources(p: SiemSourcePorts): Map<SiemSource, SourceReader> {
  const until = () => new Date(p.clock.now().getTime() - SETTLE_MS).toISOString();
  const audit: SourceReader = {
    read: async (after, limit) =>
      (await p.audit.readAfter(seqOf(after), limit)).map((r) => fromAuditRecord(r, p.component)),
    backlog: async (after, cap) => Math.min(cap, Math.max(0, (await p.audit.lastSeq()) - seqOf(after))),
    head: async () => {
      const last = await p.audit.lastSeq();
      return last ? String(last) : null;
    },
  };
  const checkpoints: SourceReader = {
    read: async (after, limit) =>
      (await p.checkpoints.range(seqOf(after) + 1, Number.MAX_SAFE_INTEGER, limit)).map((c) =>
        fromCheckpoint(c, p.component),
      ),
    backlog: async (after, cap) => (await p.checkpoints.range(seqOf(after) + 1, Number.MAX_SAFE_INTEGER, cap)).length,
    head: async () => {
      const last = await p.checkpoints.latestSeq();
      return last ? String(last) : null;
    },
  };
  const timeOrdered = <E>(
    s: TimeOrderedStream<E>,
    map: (e: E) => ReturnType<typeof fromDeviceEvent>,
  ): SourceReader => ({
    read: async (after, limit) => (await s.after(after, until(), limit)).map(map),
    backlog: (after, cap) => s.countAfter(after, until(), cap),
    head: () => s.head(until()),
  });
  return new Map<SiemSource, SourceReader>([
    ['audit', audit],
    ['checkpoints', checkpoints],
    ['device-events', timeOrdered(p.deviceEvents, fromDeviceEvent)],
    ['alerts', timeOrdered(p.alertEvents, (a) => fromAlertEvent(a, p.component))],
  ]);
}
