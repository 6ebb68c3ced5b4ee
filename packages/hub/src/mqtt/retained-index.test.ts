import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { indexRetained, topicMatches, type RetainedPacket, type RetainedStore } from './retained-index.js';

const unused = () => {
  throw new Error('the index must answer this itself');
};

function store(): RetainedStore {
  const s: RetainedStore = { storeRetained: unused, createRetainedStream: unused, createRetainedStreamCombi: unused };
  indexRetained(s);
  return s;
}

const topics = async (r: Readable) => (await r.toArray()).map((p: RetainedPacket) => p.topic);
const packet = (topic: string, payload = 'x') => ({ topic, payload: Buffer.from(payload) });

test('a pattern without wildcards gets the retained message of its topic, and only it', async () => {
  const s = store();
  await s.storeRetained(packet('outpost/v1/d/dev-1/desired'));
  await s.storeRetained(packet('outpost/v1/d/dev-2/desired'));
  assert.deepEqual(await topics(s.createRetainedStream('outpost/v1/d/dev-2/desired')), ['outpost/v1/d/dev-2/desired']);
  assert.deepEqual(await topics(s.createRetainedStream('outpost/v1/d/dev-3/desired')), []);
  const combi = s.createRetainedStreamCombi(['outpost/v1/d/dev-1/cmd/req', 'outpost/v1/d/dev-1/desired']);
  assert.deepEqual(await topics(combi), ['outpost/v1/d/dev-1/desired']);
});

test('an empty retained message clears its topic; a new one replaces the old', async () => {
  const s = store();
  await s.storeRetained(packet('a/b', 'one'));
  await s.storeRetained(packet('a/b', 'two'));
  const [kept] = (await s.createRetainedStream('a/b').toArray()) as RetainedPacket[];
  assert.equal(String(kept.payload), 'two');
  await new Promise<void>((resolve, reject) =>
    s.storeRetained(packet('a/b', ''), (err) => (err ? reject(err) : resolve())),
  );
  assert.deepEqual(await topics(s.createRetainedStream('a/b')), []);
  assert.deepEqual(await topics(s.createRetainedStream('#')), []);
});

test('patterns with wildcards are matched against every retained topic', async () => {
  const s = store();
  for (const t of ['hub/alerts/a', 'hub/alerts/b/c', 'hub/other', '$SYS/x']) await s.storeRetained(packet(t));
  assert.deepEqual(await topics(s.createRetainedStream('hub/alerts/#')), ['hub/alerts/a', 'hub/alerts/b/c']);
  assert.deepEqual(await topics(s.createRetainedStream('hub/+')), ['hub/other']);
  assert.deepEqual(await topics(s.createRetainedStream('#')), ['hub/alerts/a', 'hub/alerts/b/c', 'hub/other']);
});

test('topic matching follows MQTT: + is one level, # the parent and every level below, $ topics apart', () => {
  assert.ok(topicMatches('a/+/c', 'a/b/c'));
  assert.ok(!topicMatches('a/+/c', 'a/b/d'));
  assert.ok(!topicMatches('a/+', 'a/b/c'));
  assert.ok(topicMatches('a/#', 'a'));
  assert.ok(topicMatches('a/#', 'a/b/c'));
  assert.ok(!topicMatches('a/#', 'ab'));
  assert.ok(topicMatches('+/+', '/x'));
  assert.ok(!topicMatches('a/b', 'a/b/c'));
  assert.ok(!topicMatches('#', '$SYS/broker'));
  assert.ok(!topicMatches('+/broker', '$SYS/broker'));
  assert.ok(topicMatches('$SYS/#', '$SYS/broker'));
});
