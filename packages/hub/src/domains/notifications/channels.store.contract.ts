import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createChannelsStore, type StoredChannel } from './channels.store.js';

const channel = (over: Partial<StoredChannel> = {}): StoredChannel => ({
  id: 'ch_1',
  name: 'Ops webhook',
  kind: 'webhook',
  config: { url: 'https://ops.example/hook', headers: { 'x-team': 'ops' } },
  digest: { waitS: 30, intervalS: 300 },
  retry: { baseMs: 1000, capMs: 60000, maxAttempts: 8 },
  enabled: true,
  hasSecret: true,
  createdAt: '2026-03-02T10:00:00.000Z',
  secretEnc: 'enc:secret',
  createdBy: 'ann',
  ...over,
});

export function channelsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`notification channels store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back a channel by id and name, config and settings intact', async () => {
      const store = createChannelsStore(db());
      await store.insert(channel());
      assert.deepEqual(await store.get('ch_1'), channel());
      assert.deepEqual(await store.byName('Ops webhook'), channel());
      assert.equal(await store.get('ch_x'), null);
      assert.equal(await store.byName('nope'), null);
    });

    it('reports a channel without a secret as having none', async () => {
      const store = createChannelsStore(db());
      await store.insert(
        channel({ kind: 'mqtt', secretEnc: null, hasSecret: false, enabled: false, config: { topic: 'a/b' } }),
      );
      const c = await store.get('ch_1');
      assert.equal(c?.hasSecret, false);
      assert.equal(c?.enabled, false);
      assert.equal(c?.kind, 'mqtt');
    });

    it('refuses a second channel with the same name', async () => {
      const store = createChannelsStore(db());
      await store.insert(channel());
      await assert.rejects(store.insert(channel({ id: 'ch_2' })));
    });

    it('updates every field of a channel', async () => {
      const store = createChannelsStore(db());
      await store.insert(channel());
      const changed = channel({
        name: 'Email',
        kind: 'email',
        config: { to: ['ops@example.com'] },
        digest: { waitS: 0, intervalS: 60 },
        retry: { baseMs: 10, capMs: 20, maxAttempts: 1 },
        enabled: false,
        secretEnc: null,
        hasSecret: false,
      });
      await store.update(changed);
      assert.deepEqual(await store.get('ch_1'), changed);
    });

    it('lists channels by name and removes one, saying whether it existed', async () => {
      const store = createChannelsStore(db());
      await store.insert(channel({ id: 'c2', name: 'zulu' }));
      await store.insert(channel({ id: 'c1', name: 'alpha' }));
      assert.deepEqual(
        (await store.list()).map((c) => c.id),
        ['c1', 'c2'],
      );
      assert.equal(await store.remove('c1'), true);
      assert.equal(await store.remove('c1'), false);
      assert.deepEqual(
        (await store.list()).map((c) => c.id),
        ['c2'],
      );
    });
  });
}
