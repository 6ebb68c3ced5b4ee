import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileValidator,
  FieldAssetsMessage,
  MAX_PAYLOAD_BYTES,
  type FieldAssetsMessage as Msg,
} from '@outpost/protocol';
import { FieldAssetTracker } from './field-asset.tracker.js';
import { createFieldAssetReporter, fieldAssetsMessage } from './field-asset.reporter.js';

test('devices are deduplicated by protocol and address, and partial replies merge', () => {
  const t = new FieldAssetTracker();
  assert.equal(t.observe('plc', 'modbus', 1, { vendor: 'Acme', revision: '1.0' }, 10), true);
  assert.equal(t.observe('plc', 'modbus', 1, { vendor: 'Acme', revision: '1.0' }, 20), false);
  assert.equal(t.observe('plc', 'modbus', 1, { productName: 'AC-500', other: { '0x81': 'rack' } }, 30), true);
  assert.equal(t.observe('plc', 'dnp3', 1, { vendor: 'Other' }, 40), true);
  const list = t.list();
  assert.equal(list.length, 2);
  assert.deepEqual(
    list.find((a) => a.protocol === 'modbus'),
    {
      target: 'plc',
      protocol: 'modbus',
      address: 1,
      identity: { vendor: 'Acme', revision: '1.0', productName: 'AC-500', other: { '0x81': 'rack' } },
      firstSeen: 10,
      lastSeen: 30,
    },
  );
  assert.equal(t.changes, 3);
});

test('at most maxPerTarget devices per target and maxTargets targets are kept', () => {
  const t = new FieldAssetTracker({ maxPerTarget: 3, maxTargets: 2 });
  for (let unit = 0; unit < 256; unit++) t.observe('a', 'modbus', unit, { vendor: `v${unit}` }, unit);
  t.observe('b', 'dnp3', 7, { vendor: 'x' }, 1);
  assert.equal(t.observe('c', 'dnp3', 7, { vendor: 'x' }, 1), false);
  assert.deepEqual(
    t.list().map((a) => `${a.target}:${a.address}`),
    ['a:0', 'a:1', 'a:2', 'b:7'],
  );
  assert.equal(t.dropped, 254);
  // A known device still updates when the target is full.
  assert.equal(t.observe('a', 'modbus', 2, { vendor: 'changed' }, 5), true);
});

test('reports go when the inventory changed, at most once per interval, and fit the topic', async () => {
  const t = new FieldAssetTracker();
  let now = 1_000;
  const sent: Msg[] = [];
  const r = createFieldAssetReporter({
    tracker: t,
    minIntervalMs: 60_000,
    now: () => now,
    online: () => true,
    publish: async (m) => void sent.push(m),
  });
  assert.equal(await r.check(), false, 'nothing seen, nothing sent');
  t.observe('plc', 'modbus', 1, { vendor: 'Acme' }, now);
  assert.equal(await r.check(), true, 'the first change goes at once');
  t.observe('plc', 'modbus', 2, { vendor: 'Acme' }, now);
  now += 59_000;
  assert.equal(await r.check(), false, 'too soon');
  now += 1_000;
  assert.equal(await r.check(), true);
  assert.equal(await r.check(), false, 'unchanged');
  assert.deepEqual(
    sent.map((m) => m.assets.length),
    [1, 2],
  );
  const validate = compileValidator(FieldAssetsMessage);
  for (const m of sent) assert.ok(validate.parse(Buffer.from(JSON.stringify(m))).ok);

  // The largest inventory still fits the topic's size limit and its schema.
  const big = new FieldAssetTracker({ maxPerTarget: 300 });
  const long = 'x'.repeat(128);
  for (let a = 0; a < 300; a++)
    big.observe('t'.repeat(128), 'dnp3', a, { vendor: long, productName: long, deviceName: long, location: long }, 1);
  const msg = fieldAssetsMessage(big.list(), 1);
  const bytes = Buffer.from(JSON.stringify(msg));
  assert.ok(bytes.length <= MAX_PAYLOAD_BYTES['guard/assets']);
  assert.ok(msg.assets.length > 100);
  assert.ok(validate.parse(bytes).ok);
});
