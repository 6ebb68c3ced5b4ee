import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPLICA_GONE_TOPIC, goneClientId, replicaWill } from './broker-session-takeover.js';

test('a replica will names its client id, is sent at once, and goes stale', () => {
  const w = replicaWill('Outpost-Hub.replica-a.0');
  assert.equal(w.topic, REPLICA_GONE_TOPIC);
  assert.equal(w.qos, 1);
  assert.equal(w.retain, false);
  assert.equal(w.properties.willDelayInterval, 0);
  assert.ok(w.properties.messageExpiryInterval > 0);
  assert.equal(goneClientId(w.payload), 'Outpost-Hub.replica-a.0');
});

test('anything but a gone message names no client id', () => {
  for (const bad of ['', 'not json', '{"v":2,"clientId":"x"}', '{"v":1}', '{"v":1,"clientId":""}', '[1]'])
    assert.equal(goneClientId(Buffer.from(bad)), null, bad);
  assert.equal(goneClientId(Buffer.from(JSON.stringify({ v: 1, clientId: 'x'.repeat(201) }))), null);
});
