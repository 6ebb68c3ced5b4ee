import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessPolicy } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createAccessPoliciesStore } from './access-policies.store.js';

const policy = (over: Partial<AccessPolicy> = {}): AccessPolicy => ({
  id: 'pol_1',
  name: 'Pump web UI',
  deviceId: 'dev_a',
  group: null,
  targets: ['tcp/80', 'tcp/443'],
  roles: ['operator', 'admin'],
  maxDurationS: 3600,
  requireReason: true,
  requireApproval: false,
  mfaMaxAgeS: 900,
  maxConcurrent: 2,
  captureTcp: true,
  createdBy: 'ann',
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

export function accessPoliciesStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`access policies store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back a policy by id and by name, lists and flags intact', async () => {
      const store = createAccessPoliciesStore(db());
      await store.insert(policy());
      const group = policy({
        id: 'pol_2',
        name: 'Plant SSH',
        deviceId: null,
        group: 'plant',
        mfaMaxAgeS: null,
        requireApproval: true,
        captureTcp: false,
        requireReason: false,
      });
      await store.insert(group);
      assert.deepEqual(await store.get('pol_1'), policy());
      assert.deepEqual(await store.byName('Plant SSH'), group);
      assert.equal(await store.get('pol_x'), null);
      assert.equal(await store.byName('x'), null);
    });

    it('refuses a second policy with the same name', async () => {
      const store = createAccessPoliciesStore(db());
      await store.insert(policy());
      await assert.rejects(store.insert(policy({ id: 'pol_2' })));
    });

    it('updates every field but the id', async () => {
      const store = createAccessPoliciesStore(db());
      await store.insert(policy());
      const changed = policy({
        name: 'Renamed',
        deviceId: null,
        group: 'site',
        targets: ['tcp/22'],
        roles: ['admin'],
        maxDurationS: 60,
        requireApproval: true,
        updatedAt: '2026-03-03T00:00:00.000Z',
      });
      await store.update(changed);
      assert.deepEqual(await store.get('pol_1'), changed);
    });

    it('lists by name, finds the candidates for a device, and removes', async () => {
      const store = createAccessPoliciesStore(db());
      await store.insert(policy({ id: 'p_dev', name: 'b device' }));
      await store.insert(policy({ id: 'p_other', name: 'c other', deviceId: 'dev_b' }));
      await store.insert(policy({ id: 'p_group', name: 'a group', deviceId: null, group: 'plant' }));
      assert.deepEqual(
        (await store.list()).map((p) => p.id),
        ['p_group', 'p_dev', 'p_other'],
      );
      assert.deepEqual((await store.candidates('dev_a')).map((p) => p.id).sort(), ['p_dev', 'p_group']);
      assert.deepEqual(
        (await store.candidates('dev_z')).map((p) => p.id),
        ['p_group'],
      );
      await store.remove('p_group');
      await store.remove('p_none');
      assert.deepEqual(
        (await store.list()).map((p) => p.id),
        ['p_dev', 'p_other'],
      );
    });
  });
}
