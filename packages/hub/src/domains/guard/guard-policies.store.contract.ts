import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardPolicyInput } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createGuardStore } from './guard.store.js';

const policy = (mode: GuardPolicyInput['mode'], over: Partial<GuardPolicyInput> = {}): GuardPolicyInput => ({
  mode,
  allowedMasters: ['10.0.0.5'],
  allowedUnits: [1, 2],
  allowedClasses: ['read', 'write'],
  addressRanges: [{ table: 'holding', start: 0, end: 99 }],
  readOnly: false,
  onViolation: 'exception',
  ...over,
});

const at = (n: number) => `2026-03-02T10:0${n}:00.000Z`;

export function guardPoliciesStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`guard store contract: policies (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('numbers policy revisions hub-wide and reads the latest per target', async () => {
      const store = createGuardStore(db());
      assert.equal(await store.hasAnyPolicyOrGrant(), false);
      const r1 = await store.insertPolicy({
        scope: 'device',
        target: 'd1',
        policy: policy('monitor'),
        createdBy: 'ann',
        createdAt: at(1),
      });
      const r2 = await store.insertPolicy({
        scope: 'group',
        target: 'plant',
        policy: policy('enforce', { readOnly: true }),
        createdBy: 'ann',
        createdAt: at(2),
      });
      const r3 = await store.insertPolicy({
        scope: 'device',
        target: 'd1',
        policy: policy('alert'),
        createdBy: 'bob',
        createdAt: at(3),
      });
      assert.deepEqual([r1.version, r2.version, r3.version], [1, 2, 3]);
      assert.equal(await store.hasAnyPolicyOrGrant(), true);
      const latest = await store.latestPolicies('device', ['d1', 'd2']);
      assert.deepEqual([...latest.keys()], ['d1']);
      assert.deepEqual(latest.get('d1'), {
        scope: 'device',
        target: 'd1',
        version: 3,
        policy: policy('alert'),
        createdBy: 'bob',
        createdAt: at(3),
      });
      assert.deepEqual(await store.latestPolicies('device', []), new Map());
      assert.deepEqual(await store.latestPolicies('group', ['d1']), new Map());
    });

    it('gives concurrent revisions distinct versions', async () => {
      const store = createGuardStore(db());
      const inserted = await Promise.all(
        ['d1', 'd2', 'd3'].map((target) =>
          store.insertPolicy({
            scope: 'device',
            target,
            policy: policy('monitor'),
            createdBy: 'ann',
            createdAt: at(1),
          }),
        ),
      );
      assert.deepEqual(inserted.map((r) => r.version).sort(), [1, 2, 3]);
      assert.equal((await store.currentPolicies({ limit: 10 })).length, 3);
    });

    it("lists a target's history newest first up to a limit, removals included", async () => {
      const store = createGuardStore(db());
      await store.insertPolicy({
        scope: 'device',
        target: 'd1',
        policy: policy('monitor'),
        createdBy: 'ann',
        createdAt: at(1),
      });
      await store.insertPolicy({
        scope: 'device',
        target: 'd2',
        policy: policy('monitor'),
        createdBy: 'ann',
        createdAt: at(2),
      });
      await store.insertPolicy({ scope: 'device', target: 'd1', policy: null, createdBy: 'ann', createdAt: at(3) });
      const history = await store.policyHistory('device', 'd1', 10);
      assert.deepEqual(
        history.map((h) => [h.version, h.policy === null]),
        [
          [3, true],
          [1, false],
        ],
      );
      assert.equal((await store.policyHistory('device', 'd1', 1)).length, 1);
      assert.deepEqual(await store.policyHistory('group', 'd1', 10), []);
    });

    it('lists policies in force, group ones first, leaving out removed targets', async () => {
      const store = createGuardStore(db());
      const add = (scope: 'device' | 'group', target: string, p: GuardPolicyInput | null, n: number) =>
        store.insertPolicy({ scope, target, policy: p, createdBy: 'ann', createdAt: at(n) });
      await add('device', 'd2', policy('monitor'), 1);
      await add('device', 'd1', policy('monitor'), 2);
      await add('group', 'plant', policy('enforce'), 3);
      await add('group', 'site', policy('alert'), 4);
      await add('group', 'site', null, 5);
      await add('device', 'd1', policy('alert'), 6);
      const current = await store.currentPolicies({ limit: 10 });
      assert.deepEqual(
        current.map((p) => [p.scope, p.target, p.version]),
        [
          ['group', 'plant', 3],
          ['device', 'd1', 6],
          ['device', 'd2', 1],
        ],
      );
      assert.deepEqual(
        (await store.currentPolicies({ scope: 'device', limit: 1 })).map((p) => p.target),
        ['d1'],
      );
      assert.deepEqual(
        (await store.groupPoliciesInForce()).map((p) => [p.target, p.version]),
        [['plant', 3]],
      );
    });

    it('keeps the grant-signing key once: a second insert of the same id changes nothing', async () => {
      const store = createGuardStore(db());
      assert.equal(await store.key('grant-signing'), null);
      await store.insertKey('grant-signing', 'PUB-1', 'ENC-1', at(1));
      await store.insertKey('grant-signing', 'PUB-2', 'ENC-2', at(2));
      assert.deepEqual(await store.key('grant-signing'), { publicPem: 'PUB-1', privateEnc: 'ENC-1' });
    });

    it("saves and replaces each device's published document and reads several", async () => {
      const store = createGuardStore(db());
      assert.equal(await store.document('d1'), null);
      const doc = (version: number) => ({
        version,
        hash: `h${version}`,
        json: `{"version":${version}}`,
        publishedAt: at(version),
      });
      await store.saveDocument('d1', doc(1));
      await store.saveDocument('d1', doc(4));
      await store.saveDocument('d2', doc(2));
      assert.deepEqual(await store.document('d1'), doc(4));
      assert.deepEqual(
        await store.documents(['d1', 'd2', 'd3']),
        new Map([
          ['d1', doc(4)],
          ['d2', doc(2)],
        ]),
      );
      assert.deepEqual(await store.documents([]), new Map());
    });
  });
}
