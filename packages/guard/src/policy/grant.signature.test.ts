import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyGrant } from './grant.signature.js';
import { GrantBook } from './grant.book.js';
import { grant, testKeys } from './policy.fixture.js';

const keys = testKeys();

test('a signed grant verifies with PEM or KeyObject inside its window', () => {
  const g = grant(keys);
  assert.deepEqual(verifyGrant(g, keys.publicPem, 2_000), { ok: true });
  assert.deepEqual(verifyGrant(g, keys.publicKey, 2_000, 'plc-1'), { ok: true });
});

test('every rejection reason', () => {
  const g = grant(keys);
  assert.deepEqual(verifyGrant({ ...g, end: 99 }, keys.publicKey, 2_000), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(verifyGrant(grant(testKeys()), keys.publicKey, 2_000), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(verifyGrant(g, keys.publicKey, 61_000), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyGrant(g, keys.publicKey, 999), { ok: false, reason: 'not_yet_valid' });
  assert.deepEqual(verifyGrant(g, keys.publicKey, 2_000, 'plc-2'), { ok: false, reason: 'wrong_device' });
  assert.deepEqual(verifyGrant({ ...g, start: 10, end: 2 }, keys.publicKey, 2_000), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyGrant(null, keys.publicKey, 2_000), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyGrant(g, 'not a pem', 2_000), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(verifyGrant({ ...g, signature: '!!!' }, keys.publicKey, 2_000), {
    ok: false,
    reason: 'bad_signature',
  });
});

test('grant book: signature once, time on each lookup, union coverage', () => {
  const a = grant(keys, { id: 'a', start: 0, end: 4 });
  const b = grant(keys, { id: 'b', start: 5, end: 9 });
  const forged = { ...grant(keys, { id: 'f', start: 100, end: 200 }), start: 0 };
  const other = grant(keys, { id: 'o', deviceId: 'plc-2' });
  const book = new GrantBook([a, b, forged, other, 42], keys.publicKey, 'plc-1');
  assert.deepEqual(
    book.rejected.map((r) => r.reason),
    ['bad_signature', 'wrong_device', 'malformed'],
  );
  const r = { table: 'holding' as const, start: 3, count: 4, access: 'write' as const };
  assert.deepEqual(
    book.cover(1, r, 2_000)?.map((g) => g.id),
    ['a', 'b'],
  );
  assert.equal(book.cover(1, { ...r, count: 8 }, 2_000), undefined);
  assert.equal(book.cover(2, r, 2_000), undefined);
  assert.equal(book.cover(1, { ...r, table: 'coil' }, 2_000), undefined);
  assert.equal(book.cover(1, r, 70_000), undefined);
  assert.equal(new GrantBook([a], undefined, 'plc-1').accepted.length, 0);
});
