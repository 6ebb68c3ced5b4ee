import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceEvent } from '@outpost/protocol';
import type { EventQueue } from './ports.js';

export interface EventQueueSubject {
  queue: EventQueue;
  /** A new queue over the same storage, as after a restart; only durable queues have one. */
  reopen?(): EventQueue;
  close(): Promise<void>;
}

export interface EventQueueImplementation {
  name: string;
  /** A fresh, empty queue holding at most `max` events. */
  open(max: number): Promise<EventQueueSubject>;
  durable: boolean;
}

const ev = (n: number, data?: Record<string, unknown>): Omit<DeviceEvent, 'seq'> => ({
  ts: 1_700_000_000_000 + n,
  type: 'test.event',
  severity: n % 2 ? 'info' : 'warning',
  ...(data ? { data } : {}),
});

/** What every EventQueue promises: ordered, numbered, bounded with drop-oldest, acknowledged by sequence number. */
export function eventQueueContract(impl: EventQueueImplementation): void {
  describe(`EventQueue contract (${impl.name})`, () => {
    const open: EventQueueSubject[] = [];
    const fresh = async (max = 100) => {
      const s = await impl.open(max);
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('starts empty, with nothing dropped', async () => {
      const { queue } = await fresh();
      assert.equal(queue.size(), 0);
      assert.deepEqual(await queue.peek(10), []);
      assert.equal(queue.takeDropped(), 0);
    });

    it('numbers appended events from 1 and keeps their fields and data', async () => {
      const { queue } = await fresh();
      const a = await queue.append(ev(1, { user: 'root', nested: { tries: [1, 2] }, ok: false, note: null }));
      const b = await queue.append(ev(2));
      assert.deepEqual(a, { ...ev(1, { user: 'root', nested: { tries: [1, 2] }, ok: false, note: null }), seq: 1 });
      assert.deepEqual(b, { ...ev(2), seq: 2 });
      assert.equal(queue.size(), 2);
      assert.deepEqual(await queue.peek(10), [a, b]);
    });

    it('peeks oldest first up to a count without removing anything', async () => {
      const { queue } = await fresh();
      for (let n = 1; n <= 5; n++) await queue.append(ev(n));
      assert.deepEqual(
        (await queue.peek(3)).map((e) => e.seq),
        [1, 2, 3],
      );
      assert.deepEqual(
        (await queue.peek(3)).map((e) => e.seq),
        [1, 2, 3],
      );
      assert.deepEqual(await queue.peek(0), []);
      assert.equal(queue.size(), 5);
    });

    it('drops exactly the acknowledged events, and an older acknowledgement changes nothing', async () => {
      const { queue } = await fresh();
      for (let n = 1; n <= 5; n++) await queue.append(ev(n));
      await queue.ack(3);
      assert.deepEqual(
        (await queue.peek(10)).map((e) => e.seq),
        [4, 5],
      );
      await queue.ack(2);
      assert.deepEqual(
        (await queue.peek(10)).map((e) => e.seq),
        [4, 5],
      );
      assert.equal(queue.size(), 2);
      await queue.ack(99);
      assert.equal(queue.size(), 0);
      assert.deepEqual(await queue.peek(10), []);
    });

    it('keeps numbering upwards after everything was acknowledged', async () => {
      const { queue } = await fresh();
      await queue.append(ev(1));
      await queue.append(ev(2));
      await queue.ack(2);
      assert.equal((await queue.append(ev(3))).seq, 3);
      assert.deepEqual(
        (await queue.peek(10)).map((e) => e.seq),
        [3],
      );
    });

    it('when full, drops the oldest and counts them until the count is taken', async () => {
      const { queue } = await fresh(3);
      for (let n = 1; n <= 5; n++) await queue.append(ev(n));
      assert.equal(queue.size(), 3);
      assert.deepEqual(
        (await queue.peek(10)).map((e) => e.seq),
        [3, 4, 5],
      );
      await queue.append(ev(6));
      assert.equal(queue.takeDropped(), 3);
      assert.equal(queue.takeDropped(), 0);
      await queue.ack(4);
      assert.equal(queue.takeDropped(), 0, 'an acknowledgement is not a drop');
      assert.deepEqual(
        (await queue.peek(10)).map((e) => e.seq),
        [5, 6],
      );
    });

    if (impl.durable) {
      it('after a restart holds the same unacknowledged events and continues the numbering', async () => {
        const subject = await fresh(3);
        for (let n = 1; n <= 4; n++) await subject.queue.append(ev(n, { n }));
        await subject.queue.ack(2);
        const again = subject.reopen!();
        assert.deepEqual(await again.peek(10), await subject.queue.peek(10));
        assert.deepEqual(
          (await again.peek(10)).map((e) => e.data?.n),
          [3, 4],
        );
        assert.equal((await again.append(ev(5))).seq, 5);
      });

      it('after a restart with everything acknowledged still never reuses a number', async () => {
        const subject = await fresh();
        await subject.queue.append(ev(1));
        await subject.queue.append(ev(2));
        await subject.queue.ack(2);
        const again = subject.reopen!();
        assert.equal(again.size(), 0);
        assert.equal((await again.append(ev(3))).seq, 3);
      });
    }
  });
}
