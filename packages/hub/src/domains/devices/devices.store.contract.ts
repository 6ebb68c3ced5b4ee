import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expressionBuilder } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createGroupsStore } from '../groups/groups.store.js';
import { createDevicesStore, type DevicesStore } from './devices.store.js';
import type { ListQuery, NewDevice, SortField } from './devices.types.js';

export const newDevice = (over: Partial<NewDevice> = {}): NewDevice => ({
  id: 'dev_a',
  name: 'Pump A',
  model: 'pump',
  serial: 'SN-A',
  enrolledAt: '2026-03-01T00:00:00.000Z',
  certSerial: 'cert-a',
  certExpiresAt: '2027-03-01T00:00:00.000Z',
  tags: {},
  staticGroupId: null,
  ...over,
});

const eb = expressionBuilder<Database, 'devices'>();
const modelIs = (model: string) => eb('model', '=', model);

async function pageAll(store: DevicesStore, sort: SortField, order: 'asc' | 'desc', limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const q: ListQuery = { where: null, sort, order, limit, cursor, withTotal: false };
    const page = await store.list(q);
    seen.push(...page.items.map((d) => d.id));
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

export function devicesStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`devices store contract: inventory (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('inserts a never-seen device with tags and its static group, and reads it back', async () => {
      const groups = createGroupsStore(db());
      await groups.insert({
        id: 'grp_p',
        kind: 'static',
        path: 'plant',
        filter: null,
        description: '',
        createdAt: '2026-03-01T00:00:00.000Z',
      });
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ tags: { site: 'north', line: '2' }, staticGroupId: 'grp_p' }));
      assert.deepEqual(await devices.get('dev_a'), {
        id: 'dev_a',
        name: 'Pump A',
        serial: 'SN-A',
        model: 'pump',
        firmware: null,
        agentVersion: null,
        location: null,
        ip: null,
        tags: { site: 'north', line: '2' },
        groups: ['plant'],
        presence: 'never_seen',
        presenceChangedAt: null,
        lastSeenAt: null,
        enrolledAt: '2026-03-01T00:00:00.000Z',
        certSerial: 'cert-a',
        certExpiresAt: '2027-03-01T00:00:00.000Z',
        decommissioned: false,
        health: null,
      });
    });

    it('refuses a second device with the same id', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice());
      await assert.rejects(devices.insert(newDevice({ name: 'Other' })));
      assert.equal((await devices.get('dev_a'))?.name, 'Pump A');
    });

    it('answers exists, isActive and get for known, decommissioned and unknown devices', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice());
      await devices.insert(newDevice({ id: 'dev_b' }));
      await devices.markDecommissioned('dev_b');
      assert.equal(await devices.exists('dev_a'), true);
      assert.equal(await devices.isActive('dev_a'), true);
      assert.equal(await devices.exists('dev_b'), true);
      assert.equal(await devices.isActive('dev_b'), false);
      assert.equal((await devices.get('dev_b'))?.decommissioned, true);
      assert.equal(await devices.exists('dev_x'), false);
      assert.equal(await devices.isActive('dev_x'), false);
      assert.equal(await devices.get('dev_x'), null);
    });

    it('pages through every sort field in both orders, nulls first ascending, ties broken by id', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(
        newDevice({ id: 'd1', name: 'beta', model: 'pump', enrolledAt: '2026-03-03T00:00:00.000Z' }),
      );
      await devices.insert(newDevice({ id: 'd2', name: 'alpha', model: null, enrolledAt: '2026-03-01T00:00:00.000Z' }));
      await devices.insert(
        newDevice({ id: 'd3', name: 'gamma', model: 'gateway', enrolledAt: '2026-03-02T00:00:00.000Z' }),
      );
      await devices.insert(
        newDevice({ id: 'd4', name: 'alpha', model: 'pump', enrolledAt: '2026-03-02T00:00:00.000Z' }),
      );
      await devices.insert(
        newDevice({ id: 'd5', name: 'delta', model: 'gateway', enrolledAt: '2026-03-04T00:00:00.000Z' }),
      );
      const expected: Record<'name' | 'id' | 'model' | 'enrolled_at', string[]> = {
        name: ['d2', 'd4', 'd1', 'd5', 'd3'],
        id: ['d1', 'd2', 'd3', 'd4', 'd5'],
        model: ['d2', 'd3', 'd5', 'd1', 'd4'],
        enrolled_at: ['d2', 'd3', 'd4', 'd1', 'd5'],
      };
      for (const [sort, ids] of Object.entries(expected) as Array<[SortField, string[]]>) {
        for (const limit of [1, 2, 5]) {
          assert.deepEqual(await pageAll(devices, sort, 'asc', limit), ids, `${sort} asc by ${limit}`);
          assert.deepEqual(await pageAll(devices, sort, 'desc', limit), [...ids].reverse(), `${sort} desc by ${limit}`);
        }
      }
    });

    it('filters a page, reports the filtered total, and ends with no cursor', async () => {
      const devices = createDevicesStore(db());
      for (const id of ['d1', 'd2', 'd3']) await devices.insert(newDevice({ id }));
      await devices.insert(newDevice({ id: 'd4', model: 'gateway' }));
      const first = await devices.list({
        where: modelIs('pump'),
        sort: 'id',
        order: 'asc',
        limit: 2,
        cursor: null,
        withTotal: true,
      });
      assert.deepEqual(
        first.items.map((d) => d.id),
        ['d1', 'd2'],
      );
      assert.equal(first.total, 3);
      assert.notEqual(first.nextCursor, null);
      const second = await devices.list({
        where: modelIs('pump'),
        sort: 'id',
        order: 'asc',
        limit: 2,
        cursor: first.nextCursor,
        withTotal: false,
      });
      assert.deepEqual(
        second.items.map((d) => d.id),
        ['d3'],
      );
      assert.equal(second.nextCursor, null);
      assert.equal('total' in second, false);
    });

    it('rejects a cursor it did not issue', async () => {
      const devices = createDevicesStore(db());
      await assert.rejects(
        devices.list({ where: null, sort: 'id', order: 'asc', limit: 2, cursor: 'not-a-cursor', withTotal: false }),
      );
    });

    it('lists ids in order up to a limit, picks ids within a set, and counts, with or without a filter', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd3' }));
      await devices.insert(newDevice({ id: 'd1', model: 'gateway' }));
      await devices.insert(newDevice({ id: 'd2' }));
      assert.deepEqual(await devices.ids(null, 10), ['d1', 'd2', 'd3']);
      assert.deepEqual(await devices.ids(null, 2), ['d1', 'd2']);
      assert.deepEqual(await devices.ids(modelIs('pump'), 10), ['d2', 'd3']);
      assert.deepEqual((await devices.idsWithin(null, ['d1', 'd3', 'dx'])).sort(), ['d1', 'd3']);
      assert.deepEqual(await devices.idsWithin(modelIs('pump'), ['d1', 'd3']), ['d3']);
      assert.deepEqual(await devices.idsWithin(null, []), []);
      assert.equal(await devices.count(null), 3);
      assert.equal(await devices.count(modelIs('gateway')), 1);
      assert.deepEqual(
        await devices.countEach([modelIs('gateway'), modelIs('pump'), modelIs('meter')], null),
        [1, 2, 0],
      );
      assert.deepEqual(await devices.countEach([modelIs('gateway'), modelIs('pump')], modelIs('pump')), [0, 2]);
      assert.deepEqual(await devices.countEach([], null), []);
    });

    it('picks ids within a set larger than one statement chunk', async () => {
      const devices = createDevicesStore(db());
      const id = (i: number) => `d${String(i).padStart(4, '0')}`;
      for (const i of [0, 499, 500, 777, 1099]) await devices.insert(newDevice({ id: id(i) }));
      const asked = Array.from({ length: 1100 }, (_, i) => id(i));
      assert.deepEqual((await devices.idsWithin(null, asked)).sort(), [id(0), id(499), id(500), id(777), id(1099)]);
      assert.deepEqual(await devices.idsWithin(modelIs('pump'), asked.slice(600)), [id(777), id(1099)]);
    });

    it('updates name and location, and ignores an empty patch', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice());
      await devices.update('dev_a', { name: 'Renamed', location: 'Hall 3' });
      await devices.update('dev_a', {});
      let d = await devices.get('dev_a');
      assert.equal(d?.name, 'Renamed');
      assert.equal(d?.location, 'Hall 3');
      await devices.update('dev_a', { location: null });
      d = await devices.get('dev_a');
      assert.equal(d?.location, null);
    });

    it('sets, overwrites and removes tags on several devices at once', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice({ id: 'd1', tags: { site: 'north', keep: 'yes' } }));
      await devices.insert(newDevice({ id: 'd2' }));
      await devices.setTags(['d1', 'd2'], { site: 'south', line: '4' }, ['keep']);
      assert.deepEqual((await devices.get('d1'))?.tags, { site: 'south', line: '4' });
      assert.deepEqual((await devices.get('d2'))?.tags, { site: 'south', line: '4' });
      await devices.setTags(['d2'], {}, ['line']);
      assert.deepEqual((await devices.get('d2'))?.tags, { site: 'south' });
    });

    it('replaces the certificate', async () => {
      const devices = createDevicesStore(db());
      await devices.insert(newDevice());
      await devices.setCertificate('dev_a', 'cert-b', '2028-01-01T00:00:00.000Z');
      const d = await devices.get('dev_a');
      assert.equal(d?.certSerial, 'cert-b');
      assert.equal(d?.certExpiresAt, '2028-01-01T00:00:00.000Z');
    });
  });
}
