import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardPolicyRecord } from '@outpost/protocol';
import { documentHash, nextDocument, pathAndAncestors, resolvePolicy } from './guard-document.js';
import type { GuardStore } from './guard.store.js';

const record = (scope: 'device' | 'group', target: string, version: number, mode: 'monitor' | 'enforce' | null): GuardPolicyRecord => ({
  scope, target, version, createdBy: 'op', createdAt: '2026-01-01T00:00:00.000Z',
  policy: mode ? { mode, allowedClasses: ['read'], readOnly: true, onViolation: 'drop' } : null,
});

function storeWith(records: GuardPolicyRecord[]): GuardStore {
  return {
    async latestPolicies(scope: string, targets: string[]) {
      const out = new Map<string, GuardPolicyRecord>();
      for (const r of [...records].sort((a, b) => b.version - a.version)) {
        if (r.scope === scope && targets.includes(r.target) && !out.has(r.target)) out.set(r.target, r);
      }
      return out;
    },
  } as unknown as GuardStore;
}

test('a path and its ancestors, closest first', () => {
  assert.deepEqual(pathAndAncestors('north/sub-7/line-2'), ['north/sub-7/line-2', 'north/sub-7', 'north']);
  assert.deepEqual(pathAndAncestors('north'), ['north']);
});

test('the device policy wins; else the deepest group, ties broken by name; a removal falls through', async () => {
  const groups = [record('group', 'north', 1, 'monitor'), record('group', 'north/a', 2, 'enforce'), record('group', 'south/b', 3, 'monitor')];
  let r = await resolvePolicy(storeWith(groups), 'd1', ['north/a/x', 'south/b']);
  assert.deepEqual([r.source, r.group], ['group', 'north/a']);
  r = await resolvePolicy(storeWith([...groups, record('group', 'north/a', 4, null)]), 'd1', ['north/a/x', 'south/b']);
  assert.deepEqual([r.source, r.group], ['group', 'south/b'], 'north/a was removed; of north and south/b the deeper one');
  r = await resolvePolicy(storeWith([record('group', 'b', 1, 'monitor'), record('group', 'a', 2, 'monitor')]), 'd1', ['a', 'b']);
  assert.equal(r.group, 'a', 'equal depth: alphabetical');
  r = await resolvePolicy(storeWith([...groups, record('device', 'd1', 5, 'monitor')]), 'd1', ['north/a']);
  assert.deepEqual([r.source, r.record?.version], ['device', 5]);
  r = await resolvePolicy(storeWith([record('device', 'd1', 6, null)]), 'd1', []);
  assert.equal(r.source, 'none');
});

test('document versions only go up, and never below the clock', () => {
  assert.equal(nextDocument('d', undefined, 1000, null, [], 'k').version, 1000);
  assert.equal(nextDocument('d', 5000, 1000, null, [], 'k').version, 5001);
  assert.equal(nextDocument('d', 5000, 9000, null, [], 'k').version, 9000);
  assert.equal(documentHash(null, [], 'k'), documentHash(null, [], 'k'));
  assert.notEqual(documentHash(null, [], 'k'), documentHash(null, [], 'k2'));
});
