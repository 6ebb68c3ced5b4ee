import { it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileQueue } from './file.queue.js';

const ev = (n: number) => ({ ts: 1_700_000_000_000 + n, type: 'test.event', severity: 'info' as const, data: { n } });

it('keeps events in order across a restart and forgets only what was acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-q-'));
  const q = createFileQueue(dir);
  for (let n = 1; n <= 10; n++) await q.append(ev(n));
  const first = await q.peek(4);
  assert.deepEqual(
    first.map((e) => e.seq),
    [1, 2, 3, 4],
  );
  await q.ack(4);
  const again = createFileQueue(dir);
  assert.equal(again.size(), 6);
  assert.deepEqual(
    (await again.peek(100)).map((e) => e.data?.n),
    [5, 6, 7, 8, 9, 10],
  );
  // Sequence numbers keep growing after a restart, so the hub never sees one twice.
  assert.equal((await again.append(ev(11))).seq, 11);
});

it('survives a torn last line after power loss', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-q-'));
  const q = createFileQueue(dir);
  await q.append(ev(1));
  await q.append(ev(2));
  appendFileSync(join(dir, 'events.jsonl'), '{"seq":3,"ts":17000');
  const again = createFileQueue(dir);
  assert.deepEqual(
    (await again.peek(10)).map((e) => e.seq),
    [1, 2],
  );
  assert.equal((await again.append(ev(3))).seq, 3);
});

it('is bounded: drops the oldest and reports how many', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-q-'));
  const q = createFileQueue(dir, 5);
  for (let n = 1; n <= 8; n++) await q.append(ev(n));
  assert.equal(q.size(), 5);
  assert.deepEqual(
    (await q.peek(10)).map((e) => e.data?.n),
    [4, 5, 6, 7, 8],
  );
  assert.equal(q.takeDropped(), 3);
  assert.equal(q.takeDropped(), 0);
  assert.equal(createFileQueue(dir, 5).size(), 5);
});
