import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SiemEvent, SiemSource } from './siem-event.js';
import { deliverPass, type SourceReader } from './siem-outbox.js';

function ev(source: SiemSource, n: number): SiemEvent {
  return {
    source,
    position: String(n),
    seq: String(n),
    time: '2026-12-07T00:00:00.000Z',
    component: { host: 'h', software: 'outpost-hub', version: '1' },
    type: 't',
    category: 'audit',
    subject: 'system:hub',
    outcome: 'ok',
    severity: 'info',
    target: null,
    sourceIp: null,
    details: {},
  };
}

function reader(source: SiemSource, count: number): SourceReader {
  return {
    async read(after, limit) {
      const from = after === null ? 1 : Number(after) + 1;
      const out: SiemEvent[] = [];
      for (let n = from; n <= count && out.length < limit; n++) out.push(ev(source, n));
      return out;
    },
    backlog: async (after, cap) => Math.min(cap, count - (after === null ? 0 : Number(after))),
    head: async () => (count ? String(count) : null),
  };
}

describe('SIEM outbox cursor', () => {
  it('delivers each source in order, round-robin, and advances only after an accepted batch', async () => {
    const sent: string[] = [];
    const advanced: Array<[string, string, number]> = [];
    const r = await deliverPass({
      sources: [
        ['audit', reader('audit', 5)],
        ['alerts', reader('alerts', 2)],
      ],
      cursors: {},
      batchSize: 2,
      maxBatches: 10,
      send: async (events) => void sent.push(events.map((e) => `${e.source}:${e.seq}`).join(',')),
      advance: async (s, p, n) => void advanced.push([s, p, n]),
    });
    assert.deepEqual(sent, ['audit:1,audit:2', 'alerts:1,alerts:2', 'audit:3,audit:4', 'audit:5']);
    assert.deepEqual(advanced, [
      ['audit', '2', 2],
      ['alerts', '2', 2],
      ['audit', '4', 2],
      ['audit', '5', 1],
    ]);
    assert.deepEqual(r, { delivered: 7, more: false });
  });

  it('starts after the saved cursor', async () => {
    const sent: string[] = [];
    await deliverPass({
      sources: [['audit', reader('audit', 5)]],
      cursors: { audit: '3' },
      batchSize: 10,
      maxBatches: 10,
      send: async (events) => void sent.push(...events.map((e) => e.seq)),
      advance: async () => undefined,
    });
    assert.deepEqual(sent, ['4', '5']);
  });

  it('on a failed send keeps the cursor before the failed batch, and a later pass sends that batch again', async () => {
    const received: string[] = [];
    let cursor: string | undefined;
    let fail = true;
    const pass = () =>
      deliverPass({
        sources: [['audit', reader('audit', 6)]],
        cursors: cursor ? { audit: cursor } : {},
        batchSize: 2,
        maxBatches: 10,
        send: async (events) => {
          // The receiver takes part of the second batch, then goes away.
          if (events[0].seq === '3' && fail) {
            received.push('3');
            fail = false;
            throw new Error('receiver reset');
          }
          received.push(...events.map((e) => e.seq));
        },
        advance: async (_s, p) => void (cursor = p),
      });
    await assert.rejects(pass(), /receiver reset/);
    assert.equal(cursor, '2');
    const r = await pass();
    assert.equal(cursor, '6');
    assert.equal(r.delivered, 4);
    // At least once, in order, none missing: a repeat of 3, never a hole.
    assert.deepEqual(received, ['1', '2', '3', '3', '4', '5', '6']);
  });

  it('stops after maxBatches and says more is waiting', async () => {
    let batches = 0;
    const r = await deliverPass({
      sources: [['audit', reader('audit', 100)]],
      cursors: {},
      batchSize: 10,
      maxBatches: 3,
      send: async () => void batches++,
      advance: async () => undefined,
    });
    assert.deepEqual([batches, r.delivered, r.more], [3, 30, true]);
  });

  it('does nothing when every source is caught up', async () => {
    let sends = 0;
    const r = await deliverPass({
      sources: [['audit', reader('audit', 3)]],
      cursors: { audit: '3' },
      batchSize: 10,
      maxBatches: 3,
      send: async () => void sends++,
      advance: async () => undefined,
    });
    assert.deepEqual([sends, r.delivered, r.more], [0, 0, false]);
  });
});
