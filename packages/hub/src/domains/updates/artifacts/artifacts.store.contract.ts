import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { versionKey, type SignedManifest, type SignedRoot } from '@outpost/protocol';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../../storage/test-database.js';
import { createArtifactsStore, type NewArtifact } from './artifacts.store.js';

const SHA = 'a'.repeat(64);

const artifact = (over: Partial<NewArtifact> = {}): NewArtifact => ({
  id: 'art_1',
  name: 'pump-fw',
  version: '1.2.0',
  versionKey: versionKey('1.2.0'),
  kind: 'firmware',
  models: ['pump', 'pump-xl'],
  minVersion: '1.0.0',
  releaseNotes: 'Fixes the valve timing.\nSecond line: «ü».',
  createdBy: 'ann',
  createdAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

const record = (a: NewArtifact) => ({
  id: a.id,
  name: a.name,
  version: a.version,
  kind: a.kind,
  sha256: null,
  length: null,
  models: a.models,
  minVersion: a.minVersion,
  releaseNotes: a.releaseNotes,
  manifest: null,
  createdBy: a.createdBy,
  createdAt: a.createdAt,
  uploadedAt: null,
});

const root = (version: number): SignedRoot => ({
  signed: {
    type: 'root',
    version,
    expires: '2027-01-01T00:00:00Z',
    threshold: 1,
    keys: [{ keyid: 'b'.repeat(64), publicKeyPem: 'PEM' }],
  },
  signatures: [{ keyid: 'b'.repeat(64), sig: `sig-${version}` }],
});

export function artifactsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`artifacts store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back a new artifact by id and by name and version, not uploaded', async () => {
      const store = createArtifactsStore(db());
      await store.insert(artifact());
      await store.insert(artifact({ id: 'art_app', name: 'hmi-app', kind: 'app', minVersion: null, models: [] }));
      assert.deepEqual(
        await store.get('art_app'),
        record(artifact({ id: 'art_app', name: 'hmi-app', kind: 'app', minVersion: null, models: [] })),
      );
      assert.deepEqual(await store.get('art_1'), record(artifact()));
      assert.deepEqual(await store.byNameVersion('pump-fw', '1.2.0'), record(artifact()));
      assert.equal(await store.get('art_x'), null);
      assert.equal(await store.byNameVersion('pump-fw', '9.9.9'), null);
    });

    it('refuses the same name and version twice', async () => {
      const store = createArtifactsStore(db());
      await store.insert(artifact());
      await assert.rejects(store.insert(artifact({ id: 'art_2' })));
      await store.insert(artifact({ id: 'art_3', name: 'gateway-fw' }));
    });

    it('lists by name, newest version first in version order', async () => {
      const store = createArtifactsStore(db());
      for (const [id, name, version] of [
        ['a1', 'pump-fw', '1.9.0'],
        ['a2', 'pump-fw', '1.10.0'],
        ['a3', 'alpha', '0.1.0'],
        ['a4', 'pump-fw', '1.10.0-rc.1'],
      ]) {
        await store.insert(artifact({ id, name, version, versionKey: versionKey(version) }));
      }
      assert.deepEqual(
        (await store.list()).map((a) => a.id),
        ['a3', 'a2', 'a4', 'a1'],
      );
      assert.deepEqual(
        (await store.list('pump-fw')).map((a) => a.version),
        ['1.10.0', '1.10.0-rc.1', '1.9.0'],
      );
      assert.deepEqual(await store.list('none'), []);
    });

    it('records uploaded content once and counts artifacts sharing it', async () => {
      const store = createArtifactsStore(db());
      await store.insert(artifact());
      await store.insert(artifact({ id: 'art_2', version: '1.3.0' }));
      assert.equal(await store.setContent('art_1', SHA, 6_000_000_000, '2026-03-02T11:00:00.000Z'), true);
      assert.equal(await store.setContent('art_1', 'c'.repeat(64), 1, '2026-03-02T12:00:00.000Z'), false);
      assert.equal(await store.setContent('art_x', SHA, 1, '2026-03-02T12:00:00.000Z'), false);
      const a = await store.get('art_1');
      assert.deepEqual([a?.sha256, a?.length, a?.uploadedAt], [SHA, 6_000_000_000, '2026-03-02T11:00:00.000Z']);
      await store.setContent('art_2', SHA, 6_000_000_000, '2026-03-02T11:00:00.000Z');
      assert.equal(await store.countBySha(SHA), 2);
      assert.equal(await store.countBySha('d'.repeat(64)), 0);
    });

    it('stores the signed manifest and removes an artifact', async () => {
      const store = createArtifactsStore(db());
      await store.insert(artifact());
      const manifest: SignedManifest = {
        signed: {
          type: 'manifest',
          name: 'pump-fw',
          version: '1.2.0',
          kind: 'firmware',
          sha256: SHA,
          length: 10,
          models: ['pump'],
          counter: 3,
          issuedAt: '2026-03-02T10:00:00Z',
          expires: '2027-03-02T10:00:00Z',
        },
        signatures: [{ keyid: 'b'.repeat(64), sig: 'c2ln' }],
      };
      await store.setManifest('art_1', manifest);
      assert.deepEqual((await store.get('art_1'))?.manifest, manifest);
      await store.remove('art_1');
      assert.equal(await store.get('art_1'), null);
    });

    it('keeps every trust root version once, in version order', async () => {
      const store = createArtifactsStore(db());
      assert.deepEqual(await store.roots(), []);
      assert.equal(await store.insertRoot(root(2), 'ann', '2026-03-02T00:00:00.000Z'), true);
      assert.equal(await store.insertRoot(root(1), 'ann', '2026-03-01T00:00:00.000Z'), true);
      assert.equal(await store.insertRoot({ ...root(2), signatures: [] }, 'bob', '2026-03-03T00:00:00.000Z'), false);
      assert.deepEqual(await store.roots(), [root(1), root(2)]);
    });

    it('keeps release keys: the list without private halves, one key with it', async () => {
      const store = createArtifactsStore(db());
      const key = (keyid: string, createdAt: string) => ({
        keyid,
        name: `key ${keyid}`,
        publicPem: `PUB ${keyid}`,
        privateEnc: `ENC ${keyid}`,
        createdBy: 'ann',
        createdAt,
      });
      await store.insertKey(key('k2', '2026-03-02T00:00:00.000Z'));
      await store.insertKey(key('k1', '2026-03-01T00:00:00.000Z'));
      await assert.rejects(store.insertKey(key('k1', '2026-03-03T00:00:00.000Z')));
      assert.deepEqual(await store.keys(), [
        { keyid: 'k1', name: 'key k1', publicPem: 'PUB k1', createdAt: '2026-03-01T00:00:00.000Z', createdBy: 'ann' },
        { keyid: 'k2', name: 'key k2', publicPem: 'PUB k2', createdAt: '2026-03-02T00:00:00.000Z', createdBy: 'ann' },
      ]);
      assert.deepEqual(await store.key('k2'), { keyid: 'k2', publicPem: 'PUB k2', privateEnc: 'ENC k2' });
      assert.equal(await store.key('k9'), null);
    });
  });
}
