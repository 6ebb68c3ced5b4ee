import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrollDevice } from '@outpost/agent';
import { ApiError, createClient, type OutpostClient } from '@outpost/client';
import type { Role } from '@outpost/protocol';
import { startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice } from './support/devices.js';

// Renaming a group moves its subgroups and every reference to them at once: a scoped operator keeps
// seeing the same devices in the same session, a token made for the old name enrolls into the new
// one, saved views and alert rules keep their targets, and a name that only shares a prefix
// (`northwest`) is left alone. A rename that cannot rewrite everything changes nothing.

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => assert.fail('expected a refusal'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof ApiError, String(e));
  return e;
}

describe('groups rename', () => {
  let t: TestHub;
  const run = Date.now().toString(36);
  let operator: OutpostClient;
  let scopedAdmin: OutpostClient;

  async function scopedUser(role: Role, groups: string[]): Promise<OutpostClient> {
    const username = `ren-${role}-${groups.join('-')}-${run}`;
    const user = await t.admin.users.create({ username, password: 'a-long-password-1', role });
    await t.admin.users.update(user.id, { groups });
    const { session } = await t.anonymous().login(username, 'a-long-password-1');
    return createClient({ ...t.anonymous().options, session });
  }

  const ids = async (c: OutpostClient, filter?: string) =>
    (await c.devices.list({ filter, limit: 100 })).items.map((d) => d.id).sort();

  before(async () => {
    t = await startTestHub();
    for (const path of ['north', 'north/pumps', 'northwest', 'yard'])
      await t.admin.groups.create({ path, kind: 'static' });
    await enrollTestDevice(t, `ren-n1-${run}`, { group: 'north' });
    await enrollTestDevice(t, `ren-n2-${run}`, { group: 'north/pumps' });
    await enrollTestDevice(t, `ren-w1-${run}`, { group: 'northwest' });
    await enrollTestDevice(t, `ren-y1-${run}`, { group: 'yard' });
    operator = await scopedUser('operator', ['north']);
    scopedAdmin = await scopedUser('admin', ['yard']);
  });

  after(async () => {
    await t.stop();
  });

  it('refuses a missing group, an existing name, a move below itself, a non-admin and a caller outside the scope', async () => {
    const missing = await refusal(t.admin.groups.rename('south', 'east'));
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'not_found');
    const taken = await refusal(t.admin.groups.rename('north', 'yard'));
    assert.equal(taken.status, 409);
    assert.equal(taken.code, 'group_exists');
    const below = await refusal(t.admin.groups.rename('north', 'north/inner'));
    assert.equal(below.code, 'validation_failed');
    const bad = await refusal(t.admin.groups.rename('north', 'North Side'));
    assert.equal(bad.code, 'validation_failed');
    const notAdmin = await refusal(operator.groups.rename('north', 'east'));
    assert.equal(notAdmin.code, 'forbidden');
    const outside = await refusal(scopedAdmin.groups.rename('north', 'yard/north'));
    assert.equal(outside.code, 'forbidden');
    assert.equal((outside.details as { reason?: string }).reason, 'outside_scope');
    const leaving = await refusal(scopedAdmin.groups.rename('yard', 'east-yard'));
    assert.equal((leaving.details as { reason?: string }).reason, 'outside_scope');
    assert.ok(await t.admin.groups.get('north'));
  });

  it('refuses, changing nothing, when a reference cannot be rewritten', async () => {
    // A filter already near the longest allowed: the longer name would not fit.
    const list = Array.from({ length: 780 }, () => 'yard').join(',');
    const view = await t.admin.views.create({ name: `ren-too-long-${run}`, filter: `group in (${list})` });
    const token = await t.admin.enrollment.createToken({ label: `ren-yard-${run}`, group: 'yard' });
    const e = await refusal(t.admin.groups.rename('yard', 'yard-with-a-much-longer-name'));
    assert.equal(e.status, 409);
    assert.equal(e.code, 'group_references_unrewritable');
    const refused = (e.details as { refused: string[] }).refused;
    assert.equal(refused.length, 1);
    assert.match(refused[0], new RegExp(`saved view "ren-too-long-${run}": .*longer than 4096`));
    assert.ok(await t.admin.groups.get('yard'));
    const tokens = (await t.admin.enrollment.list()).items;
    assert.equal(tokens.find((x) => x.id === token.record.id)?.group, 'yard');
    await t.admin.views.remove(view.id);
  });

  it('moves the subtree and every reference, and a scoped session keeps seeing the same devices', async () => {
    const seenBefore = await ids(operator);
    assert.deepEqual(seenBefore, [`ren-n1-${run}`, `ren-n2-${run}`]);
    const token = await t.admin.enrollment.createToken({ label: `ren-north-${run}`, group: 'north' });
    const view = await t.admin.views.create({
      name: `ren-view-${run}`,
      filter: 'group = "north" or group in (northwest, north/pumps)',
    });
    const rule = await t.admin.rules.create({
      name: `ren-rule-${run}`,
      type: 'offline',
      severity: 'warning',
      params: { afterS: 60 },
      scope: { group: 'north/pumps', filter: 'tag.site = north or group = north' },
    });
    const dynamic = await t.admin.groups.create({ path: 'north-dynamic', kind: 'dynamic', filter: 'group = north' });
    const operatorUser = (await t.admin.users.list()).items.find((u) => u.username.startsWith(`ren-operator-`))!;

    const r = await t.admin.groups.rename('north', 'east');
    assert.deepEqual(r.groups, [
      { from: 'north', to: 'east' },
      { from: 'north/pumps', to: 'east/pumps' },
    ]);
    assert.equal(r.references['user scopes'], 1);
    assert.equal(r.references['saved views'], 1);
    assert.equal(r.references['alert rules'], 1);

    // Same session, same devices; the user's scope now names the new path.
    assert.deepEqual(await ids(operator), seenBefore);
    assert.deepEqual((await t.admin.users.list()).items.find((u) => u.id === operatorUser.id)?.groups, ['east']);
    assert.deepEqual(await ids(t.admin, 'group = east'), seenBefore);
    assert.deepEqual(await ids(t.admin, 'group = northwest'), [`ren-w1-${run}`]);
    const groups = (await t.admin.groups.list()).items.map((g) => g.path);
    assert.deepEqual(groups.filter((p) => !p.startsWith('yard')).sort(), [
      'east',
      'east/pumps',
      'north-dynamic',
      'northwest',
    ]);
    const pumps = (await t.admin.groups.list()).items.find((g) => g.path === 'east/pumps');
    assert.equal(pumps?.directMembers, 1);

    // References outside the groups domain.
    assert.equal((await t.admin.views.get(view.id)).filter, 'group = "east" or group in (northwest, "east/pumps")');
    const movedRule = await t.admin.rules.get(rule.id);
    assert.deepEqual(movedRule.scope, { group: 'east/pumps', filter: 'tag.site = north or group = "east"' });
    assert.equal((await t.admin.groups.get(dynamic.path)).filter, 'group = "east"');
    assert.equal((await t.admin.groups.get('north-dynamic')).deviceCount, 2);

    // A token made for the old name enrolls into the new one.
    assert.equal((await t.admin.enrollment.list()).items.find((x) => x.id === token.record.id)?.group, 'east');
    const dir = mkdtempSync(join(tmpdir(), 'outpost-ren-'));
    const { token: secret, caFingerprint } = token;
    await enrollDevice({ hubUrl: t.hub.httpUrl, token: secret, caFingerprint, dir, deviceId: `ren-n3-${run}` });
    assert.deepEqual((await t.admin.devices.get(`ren-n3-${run}`)).groups, ['east']);
    assert.ok((await ids(operator)).includes(`ren-n3-${run}`));
    rmSync(dir, { recursive: true, force: true });

    const audit = await t.admin.audit.list({ action: 'group.rename' });
    assert.equal(audit.items.length, 1);
    assert.equal(audit.items[0].target, 'group:east');
    assert.deepEqual(
      { from: audit.items[0].details?.from, to: audit.items[0].details?.to },
      { from: 'north', to: 'east' },
    );
  });
});
