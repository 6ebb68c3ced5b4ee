import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardPolicyRecord } from '@outpost/protocol';
import { canonicalJson } from '@outpost/protocol';
import { sha256Hex } from '../../platform/ids.js';
import { documentHash, nextDocument, pathAndAncestors, pickPolicy } from './guard-document.js';

const record = (
  scope: 'device' | 'group',
  target: string,
  version: number,
  mode: 'monitor' | 'enforce' | null,
): GuardPolicyRecord => ({
  scope,
  target,
  version,
  createdBy: 'op',
  createdAt: '2026-01-01T00:00:00.000Z',
  policy: mode ? { mode, allowedClasses: ['read'], readOnly: true, onViolation: 'drop' } : null,
});

// The latest record per (scope, target), as the store answers it.
function latest(records: GuardPolicyRecord[], scope: 'device' | 'group'): Map<string, GuardPolicyRecord> {
  const out = new Map<string, GuardPolicyRecord>();
  for (const r of [...records].sort((a, b) => b.version - a.version))
    if (r.scope === scope && !out.has(r.target)) out.set(r.target, r);
  return out;
}

/** Resolves for a device in these static groups (and their ancestors) plus the dynamic groups named. */
function resolve(records: GuardPolicyRecord[], deviceId: string, staticGroups: string[], dynamicGroups: string[] = []) {
  const mine = new Set([...staticGroups.flatMap(pathAndAncestors), ...dynamicGroups]);
  return pickPolicy(
    latest(records, 'device').get(deviceId),
    [...latest(records, 'group').values()].filter((r) => mine.has(r.target)),
  );
}

test('a path and its ancestors, closest first', () => {
  assert.deepEqual(pathAndAncestors('north/sub-7/line-2'), ['north/sub-7/line-2', 'north/sub-7', 'north']);
  assert.deepEqual(pathAndAncestors('north'), ['north']);
});

test('the device policy wins; else the deepest group, ties broken by name; a removal falls through', () => {
  const groups = [
    record('group', 'north', 1, 'monitor'),
    record('group', 'north/a', 2, 'enforce'),
    record('group', 'south/b', 3, 'monitor'),
  ];
  let r = resolve(groups, 'd1', ['north/a/x', 'south/b']);
  assert.deepEqual([r.source, r.group], ['group', 'north/a']);
  r = resolve([...groups, record('group', 'north/a', 4, null)], 'd1', ['north/a/x', 'south/b']);
  assert.deepEqual(
    [r.source, r.group],
    ['group', 'south/b'],
    'north/a was removed; of north and south/b the deeper one',
  );
  r = resolve([record('group', 'b', 1, 'monitor'), record('group', 'a', 2, 'monitor')], 'd1', ['a', 'b']);
  assert.equal(r.group, 'a', 'equal depth: alphabetical');
  r = resolve([...groups, record('device', 'd1', 5, 'monitor')], 'd1', ['north/a']);
  assert.deepEqual([r.source, r.record?.version], ['device', 5]);
  r = resolve([record('device', 'd1', 6, null)], 'd1', []);
  assert.equal(r.source, 'none');
});

test('a dynamic group competes with static ones by the same rule: deepest path, then name', () => {
  const records = [
    record('group', 'north/a', 1, 'monitor'),
    record('group', 'quarantine', 2, 'enforce'),
    record('group', 'fleet/old-firmware', 3, 'enforce'),
  ];
  assert.equal(resolve(records, 'd1', ['north/a'], ['quarantine']).group, 'north/a', 'deeper static group wins');
  assert.equal(
    resolve(records, 'd1', ['north'], ['quarantine']).group,
    'quarantine',
    'north has no policy: the dynamic group governs',
  );
  assert.equal(
    resolve(records, 'd1', ['north/a'], ['fleet/old-firmware']).group,
    'fleet/old-firmware',
    'equal depth: alphabetical',
  );
  assert.equal(resolve(records, 'd1', [], []).source, 'none');
});

test('document versions only go up, and never below the clock', () => {
  assert.equal(nextDocument('d', undefined, 1000, null, [], 'k').version, 1000);
  assert.equal(nextDocument('d', 5000, 1000, null, [], 'k').version, 5001);
  assert.equal(nextDocument('d', 5000, 9000, null, [], 'k').version, 9000);
  assert.equal(documentHash(null, [], 'k'), documentHash(null, [], 'k'));
  assert.notEqual(documentHash(null, [], 'k'), documentHash(null, [], 'k2'));
  // Hashes from before documents were signed differ, so an upgraded hub signs and resends each one.
  assert.notEqual(documentHash(null, [], 'k'), sha256Hex(canonicalJson({ policy: null, grants: [], guardKey: 'k' })));
  const link = { key: 'k', previous: 'a'.repeat(64), issuedAt: 1, signature: 's' };
  assert.notEqual(documentHash(null, [], 'k', [link]), documentHash(null, [], 'k'));
});
