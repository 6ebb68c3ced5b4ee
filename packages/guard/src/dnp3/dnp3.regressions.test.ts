import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDnp3Application } from './dnp3-app.parser.js';
import { fromHex } from '../shared/bytes.util.js';

// Cases found by the property tests, kept so they stay fixed.

test('a reversed start/stop range is malformed and yields no zero-count range (fuzz seed 0xd9, case 60)', () => {
  // g28v54, qualifier 0x43 (virtual start/stop, 1 octet): start 60, stop 36.
  const a = parseDnp3Application(fromHex('ea2f 1c36 43 3c24 671d675e'));
  assert.equal(a.malformed, 'object_range');
  assert.deepEqual(a.ranges, []);
});

test('a 4-octet start/stop range spanning every index does not allocate or loop', () => {
  const t0 = Date.now();
  const a = parseDnp3Application(fromHex('c0 01 1e 01 02 00000000 ffffffff'));
  assert.equal(a.class, 'read');
  assert.equal(a.objects[0].count, 2 ** 32);
  assert.ok(Date.now() - t0 < 50);
});
