import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Transport } from '@outpost/agent';
import { slowLinkTransport } from './slow-link.js';

it('paces a slow uplink: latency on every message, bandwidth across them, order kept', async () => {
  const sent: Array<{ topic: string; at: number }> = [];
  const fake: Transport = {
    connect: async () => {},
    publish: async (topic) => void sent.push({ topic, at: Date.now() }),
    subscribe: async () => {},
    onMessage: () => {},
    onClose: () => {},
    end: async () => {},
  };
  // 8 kbit/s = 1 byte per ms; each message is ~1000 bytes, so three take about 3 s of airtime.
  const t = slowLinkTransport(() => fake, { latencyMs: 100, kbps: 8 })();
  const start = Date.now();
  await Promise.all(['a', 'b', 'c'].map((x) => t.publish(x, 'y'.repeat(990), { qos: 0 })));
  assert.deepEqual(
    sent.map((s) => s.topic),
    ['a', 'b', 'c'],
  );
  assert.ok(sent[0].at - start >= 1000, `first after ${sent[0].at - start} ms`);
  assert.ok(sent[2].at - start >= 3000, `last after ${sent[2].at - start} ms`);
  assert.ok(sent[2].at - start < 6000);
});
