import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, send, type OutpostClient } from '@outpost/client';
import { startTestHub, type TestHub } from './support/test-hub.js';

const fails = (status: number, code: string) => (e: unknown) =>
  e instanceof ApiError && e.status === status && e.code === code;

describe('saved device views', () => {
  let t: TestHub;
  let ana: OutpostClient;
  let ben: OutpostClient;
  before(async () => {
    t = await startTestHub();
    ana = await t.userClient('viewer');
    ben = await t.userClient('operator');
  });
  after(() => t.stop());

  it('keeps a view for its owner across sign-ins, and shows a shared one to everyone', async () => {
    const mine = await ana.views.create({
      name: 'old north',
      filter: 'tag.site = "north" and firmware < "2.1.0"',
      sort: 'last_seen',
      order: 'desc',
      columns: ['name', 'firmware'],
    });
    assert.equal(mine.mine, true);
    assert.equal(mine.shared, false);
    assert.deepEqual([mine.sort, mine.order, mine.columns], ['last_seen', 'desc', ['name', 'firmware']]);
    const shared = await ben.views.create({
      name: 'offline gateways',
      filter: 'not online and model = "gw-200"',
      shared: true,
    });
    assert.deepEqual(shared.columns, ['name', 'presence', 'model', 'firmware', 'last_seen', 'tags'], 'default columns');

    const anaSees = (await ana.views.list()).items;
    assert.deepEqual(
      anaSees.map((v) => [v.name, v.mine, v.owner.startsWith('operator-')]),
      [
        ['offline gateways', false, true],
        ['old north', true, false],
      ],
    );
    const benSees = (await ben.views.list()).items.map((v) => v.name);
    assert.deepEqual(benSees, ['offline gateways'], "another user's private view stays private");
    await assert.rejects(ben.views.get(mine.id), fails(404, 'not_found'));
    // The view is on the hub, not in one browser: a new sign-in finds it.
    const anaAgain = (await ana.views.list()).items.find((v) => v.id === mine.id);
    assert.equal(anaAgain?.filter, 'tag.site = "north" and firmware < "2.1.0"');
  });

  it('lets only the owner change a view, and the owner or an admin delete it', async () => {
    const v = await ben.views.create({ name: 'team view', filter: 'online', shared: true });
    await assert.rejects(ana.views.update(v.id, { filter: 'not online' }), fails(403, 'forbidden'));
    await assert.rejects(ana.views.remove(v.id), fails(403, 'forbidden'));
    const renamed = await ben.views.update(v.id, { name: 'team view (online)', shared: false });
    assert.equal(renamed.name, 'team view (online)');
    assert.equal(renamed.filter, 'online', 'fields not named keep their value');
    await assert.rejects(ana.views.get(v.id), fails(404, 'not_found'), 'unshared: gone for others');
    const again = await ben.views.update(v.id, { shared: true });
    await t.admin.views.remove(again.id);
    assert.equal(
      (await ben.views.list()).items.some((x) => x.id === v.id),
      false,
    );
    const actions = (await t.admin.audit.list({ limit: 50 })).items
      .filter((a) => a.action.startsWith('view.'))
      .map((a) => a.action);
    assert.ok(
      actions.includes('view.create') && actions.includes('view.update') && actions.includes('view.delete'),
      actions.join(),
    );
  });

  it('refuses a bad filter with its position, a duplicate name, unknown sorts and odd columns, and changes nothing', async () => {
    const before = (await ana.views.list()).items.length;
    const bad = await ana.views.create({ name: 'broken', filter: 'model = "gw-200" and and' }).catch((e: unknown) => e);
    assert.ok(bad instanceof ApiError && bad.code === 'filter_syntax', String(bad));
    assert.equal(typeof bad.details?.position, 'number');
    await assert.rejects(ana.views.create({ name: 'old north' }), fails(409, 'conflict'));
    await assert.rejects(ana.views.create({ name: '   ' }), fails(400, 'validation_failed'));
    await assert.rejects(ana.views.create({ name: 'x', columns: ['Name; drop'] }), fails(400, 'validation_failed'));
    await assert.rejects(ana.views.create({ name: 'x', columns: ['name', 'name'] }), fails(400, 'validation_failed'));
    const raw = (body: unknown) => send(ana.options, 'POST', '/api/v1/views', body);
    for (const body of [
      { name: 'x', sort: 'password_hash' },
      { name: 'x', order: 'sideways' },
      { name: 'x', evil: 1 },
      { name: 'x'.repeat(65) },
      { name: 'x', columns: [] },
    ]) {
      const r = await raw(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(JSON.parse(r.body).code, 'validation_failed');
    }
    assert.equal((await ana.views.list()).items.length, before);
  });
});
