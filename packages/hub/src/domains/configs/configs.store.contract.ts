import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createConfigsStore, type TemplateRow } from './configs.store.js';
import type { StoredSpec } from './template-spec.js';

const spec = (over: Partial<StoredSpec> = {}): StoredSpec => ({
  description: 'Time sync',
  priority: 10,
  policy: 'enforce',
  target: { group: 'plant' },
  model: null,
  settings: {
    'ntp.server': 'pool.ntp.org',
    'ntp.interval': 64,
    'ntp.enabled': true,
    'ntp.peers': ['a', 'b'],
    'ntp.key': { $enc: 'c2VhbGVk' },
  },
  files: [{ path: '/etc/chrony.conf', sha256: 'ab'.repeat(32), mode: 0o644, size: 12 }],
  ...over,
});

const template = (version: number, over: Partial<TemplateRow> = {}): TemplateRow => ({
  id: 'tpl_ntp',
  name: 'ntp',
  version,
  priority: 10,
  policy: 'enforce',
  spec: spec(),
  created_at: '2026-03-01T00:00:00.000Z',
  updated_by: 'ann',
  updated_at: `2026-03-0${version}T00:00:00.000Z`,
  ...over,
});

// The interface's fields only: a stored row may carry more (today the raw spec text as well).
const fields = (t: TemplateRow | null) =>
  t && {
    id: t.id,
    name: t.name,
    version: t.version,
    priority: t.priority,
    policy: t.policy,
    spec: t.spec,
    created_at: t.created_at,
    updated_by: t.updated_by,
    updated_at: t.updated_at,
  };

export function configsStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`configs store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('saves a new template with its first version and reads both back', async () => {
      const store = createConfigsStore(db());
      await store.saveVersion(
        template(1),
        { author: 'ann', comment: 'first', diff: [{ op: 'add', key: 'ntp.server' }] },
        true,
      );
      assert.deepEqual(fields(await store.template('ntp')), template(1));
      assert.equal(await store.template('nope'), null);
      assert.deepEqual(await store.version('tpl_ntp', 1), {
        version: 1,
        spec: spec(),
        author: 'ann',
        createdAt: '2026-03-01T00:00:00.000Z',
        comment: 'first',
        diff: [{ op: 'add', key: 'ntp.server' }],
      });
      assert.equal(await store.version('tpl_ntp', 2), null);
    });

    it('refuses a new template whose name is taken, writing no version for it', async () => {
      const store = createConfigsStore(db());
      await store.saveVersion(template(1), { author: 'ann', comment: '', diff: [] }, true);
      await assert.rejects(
        store.saveVersion(template(1, { id: 'tpl_other' }), { author: 'ann', comment: '', diff: [] }, true),
      );
      assert.deepEqual(await store.versions('tpl_other'), []);
    });

    it('saves later versions over the current spec and lists versions newest first', async () => {
      const store = createConfigsStore(db());
      await store.saveVersion(template(1), { author: 'ann', comment: 'v1', diff: [] }, true);
      const v2 = template(2, {
        priority: 20,
        policy: 'report',
        spec: spec({ policy: 'report', priority: 20, target: { filter: 'model:pump' }, model: 'pump', files: [] }),
      });
      await store.saveVersion(v2, { author: 'bob', comment: 'v2', diff: [] }, false);
      assert.deepEqual(fields(await store.template('ntp')), v2);
      assert.deepEqual(
        (await store.versions('tpl_ntp')).map((v) => [v.version, v.author, v.comment]),
        [
          [2, 'bob', 'v2'],
          [1, 'ann', 'v1'],
        ],
      );
      assert.deepEqual((await store.version('tpl_ntp', 1))?.spec, spec());
      await assert.rejects(
        store.saveVersion(v2, { author: 'bob', comment: 'again', diff: [] }, false),
        'a version number is written once',
      );
    });

    it('lists templates by name and removes one with its versions', async () => {
      const store = createConfigsStore(db());
      await store.saveVersion(template(1, { id: 't_z', name: 'zeta' }), { author: 'a', comment: '', diff: [] }, true);
      await store.saveVersion(template(1, { id: 't_a', name: 'alpha' }), { author: 'a', comment: '', diff: [] }, true);
      assert.deepEqual(
        (await store.templates()).map((t) => t.name),
        ['alpha', 'zeta'],
      );
      await store.removeTemplate('t_a');
      assert.deepEqual(
        (await store.templates()).map((t) => t.name),
        ['zeta'],
      );
      assert.deepEqual(await store.versions('t_a'), []);
    });

    it('stores file blobs once by hash, bytes intact, and reads several', async () => {
      const store = createConfigsStore(db());
      const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
      await store.putBlob('h1', bytes, '2026-03-02T00:00:00.000Z');
      await store.putBlob('h1', Buffer.from('other'), '2026-03-03T00:00:00.000Z');
      await store.putBlob('h2', Buffer.alloc(0), '2026-03-02T00:00:00.000Z');
      const blobs = await store.blobs(['h1', 'h2', 'h3']);
      assert.deepEqual([...blobs.keys()].sort(), ['h1', 'h2']);
      assert.deepEqual(Buffer.from(blobs.get('h1')!.content_b64, 'base64'), bytes);
      assert.equal(blobs.get('h1')!.size, 7);
      assert.equal(blobs.get('h2')!.size, 0);
      assert.deepEqual(await store.blobs([]), new Map());
    });

    it('puts, replaces, lists and removes model schemas', async () => {
      const store = createConfigsStore(db());
      const schema = { type: 'object', properties: { 'ntp.server': { type: 'string' } } };
      await store.putModel('pump', schema, 'ann', '2026-03-02T00:00:00.000Z');
      await store.putModel('gateway', {}, 'ann', '2026-03-02T00:00:00.000Z');
      await store.putModel('pump', { type: 'object' }, 'bob', '2026-03-03T00:00:00.000Z');
      assert.deepEqual(await store.model('pump'), {
        model: 'pump',
        schema_json: '{"type":"object"}',
        updated_by: 'bob',
        updated_at: '2026-03-03T00:00:00.000Z',
      });
      assert.equal(await store.model('nope'), null);
      assert.deepEqual(
        (await store.models()).map((m) => m.model),
        ['gateway', 'pump'],
      );
      assert.deepEqual((await store.modelNames()).sort(), ['gateway', 'pump']);
      assert.equal(await store.removeModel('pump'), true);
      assert.equal(await store.removeModel('pump'), false);
      assert.deepEqual(await store.modelNames(), ['gateway']);
    });

    it('puts, replaces, reads and removes per-device overrides', async () => {
      const store = createConfigsStore(db());
      await store.putOverrides('d2', [{ key: 'b', value_json: '1', secret: 0 }], 'ann', '2026-03-02T00:00:00.000Z');
      await store.putOverrides(
        'd1',
        [
          { key: 'z', value_json: '"x"', secret: 0 },
          { key: 'a', value_json: '{"$enc":"abc"}', secret: 1 },
        ],
        'ann',
        '2026-03-02T00:00:00.000Z',
      );
      await store.putOverrides('d1', [{ key: 'z', value_json: '"y"', secret: 0 }], 'bob', '2026-03-03T00:00:00.000Z');
      assert.deepEqual(
        (await store.overrides()).map((o) => [o.device_id, o.key, o.value_json, o.secret, o.updated_by]),
        [
          ['d1', 'a', '{"$enc":"abc"}', 1, 'ann'],
          ['d1', 'z', '"y"', 0, 'bob'],
          ['d2', 'b', '1', 0, 'ann'],
        ],
      );
      assert.deepEqual(
        (await store.overrides(['d2'])).map((o) => o.key),
        ['b'],
      );
      assert.deepEqual(await store.overrides([]), []);
      assert.equal(await store.removeOverride('d1', 'a'), true);
      assert.equal(await store.removeOverride('d1', 'a'), false);
      assert.deepEqual(
        (await store.overrides(['d1'])).map((o) => o.key),
        ['z'],
      );
    });

    it('reads the overrides of more devices than one statement may bind', async () => {
      const store = createConfigsStore(db());
      await store.putOverrides(
        'd-040000',
        [{ key: 'k', value_json: '1', secret: 0 }],
        'ann',
        '2026-03-02T00:00:00.000Z',
      );
      const ids = Array.from({ length: 40_000 }, (_, i) => `d-${String(i).padStart(6, '0')}`);
      assert.deepEqual(
        (await store.overrides([...ids, 'd-040000'])).map((o) => [o.device_id, o.key]),
        [['d-040000', 'k']],
      );
    });
  });
}
