import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadOrRotateTicketKey, TICKET_KEY_BYTES } from './session-tickets.js';

const DAY = 24 * 3600_000;

test('keeps the ticket key sealed on disk, reuses it within its age, and replaces it when old, damaged or under another KEK', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-tickets-'));
  mkdirSync(join(dir, 'pki'));
  const kek = randomBytes(32);
  const t0 = Date.parse('2026-01-01T00:00:00Z');

  const first = await loadOrRotateTicketKey(dir, kek, t0, DAY);
  assert.equal(first.key.length, TICKET_KEY_BYTES);
  const file = join(dir, 'pki', 'mqtt-ticket-key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.ok(!readFileSync(file).includes(first.key), 'the key is not on disk in clear');

  const again = await loadOrRotateTicketKey(dir, kek, t0 + DAY - 1, DAY);
  assert.deepEqual([again.key, again.createdAt], [first.key, t0]);

  const rotated = await loadOrRotateTicketKey(dir, kek, t0 + DAY, DAY);
  assert.notDeepEqual(rotated.key, first.key);
  assert.equal(rotated.createdAt, t0 + DAY);

  const otherKek = await loadOrRotateTicketKey(dir, randomBytes(32), t0 + DAY, DAY);
  assert.notDeepEqual(otherKek.key, rotated.key);

  writeFileSync(file, 'garbage');
  const repaired = await loadOrRotateTicketKey(dir, kek, t0 + DAY, DAY);
  assert.equal(repaired.key.length, TICKET_KEY_BYTES);
  assert.deepEqual((await loadOrRotateTicketKey(dir, kek, t0 + DAY + 1, DAY)).key, repaired.key);
});
