import type { SiemEvent, SiemSource } from './siem-event.js';

// The outbox of one sink is nothing but a cursor per source over records the hub keeps anyway
// (the audit log, the checkpoints, device events, alert history): no copy is queued, so a receiver
// that is down for a week costs no memory and no disk beyond what the hub retains. A cursor moves
// only after the receiver took the batch; a batch the receiver may or may not have taken is sent
// again (at least once, in order per source).

/** One source as the outbox reads it. Positions are opaque strings that only the source orders. */
export interface SourceReader {
  /** Events after `after` (null: from the first), in the source's order, at most `limit`. */
  read(after: string | null, limit: number): Promise<SiemEvent[]>;
  /** How many events are after `after`, at most `cap` (the backlog shown to operators). */
  backlog(after: string | null, cap: number): Promise<number>;
  /** The position of the newest event, or null when there is none (a sink that starts now). */
  head(): Promise<string | null>;
}

/** Sends one batch; resolves only when the receiver accepted all of it. */
export type SendBatch = (events: SiemEvent[]) => Promise<void>;

export interface PassOptions {
  sources: ReadonlyArray<readonly [SiemSource, SourceReader]>;
  cursors: Partial<Record<SiemSource, string>>;
  batchSize: number;
  /** Batches in one pass at most, across sources: bounds the time and memory of one run. */
  maxBatches: number;
  send: SendBatch;
  /** Persists a source's new position after its batch was accepted. */
  advance(source: SiemSource, position: string, delivered: number): Promise<void>;
}

export interface PassResult {
  delivered: number;
  /** Some source still had a full batch waiting when the pass stopped. */
  more: boolean;
}

/**
 * Delivers batches round-robin over the sources (a large audit backlog does not starve alerts),
 * each source strictly in its order. A failed send throws after the cursors of the batches
 * already accepted were saved; nothing of the failed batch counts as sent.
 */
export async function deliverPass(o: PassOptions): Promise<PassResult> {
  const cursors = { ...o.cursors };
  let delivered = 0;
  let batches = 0;
  let active = o.sources.map(([source]) => source);
  const readers = new Map(o.sources);
  while (active.length && batches < o.maxBatches) {
    const next: SiemSource[] = [];
    for (const source of active) {
      if (batches >= o.maxBatches) return { delivered, more: true };
      const events = await readers.get(source)!.read(cursors[source] ?? null, o.batchSize);
      if (!events.length) continue;
      await o.send(events);
      batches++;
      const position = events[events.length - 1].position;
      await o.advance(source, position, events.length);
      cursors[source] = position;
      delivered += events.length;
      if (events.length === o.batchSize) next.push(source);
    }
    active = next;
  }
  return { delivered, more: active.length > 0 };
}
