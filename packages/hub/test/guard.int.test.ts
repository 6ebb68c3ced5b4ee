import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadIdentity } from '@outpost/agent';
import { verifyGrant } from '@outpost/guard';
import type { OutpostClient } from '@outpost/client';
import type { GuardPolicyInput } from '@outpost/protocol';
import { decryptWithKek } from '../src/platform/kek-seal.js';
import { defaultKekPath } from '../src/domains/pki/kek.js';
import { totpCode } from '../src/domains/users/totp.js';
import { startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';

// The hub side of the OT guard: the grant-signing key, policy validation and precedence,
// grants (signed, bounded, audited, role-checked) and the guard events query. The path
// through a real agent and real Modbus peers is in guard-e2e.test.ts.

const readOnly: GuardPolicyInput = {
  mode: 'enforce',
  allowedClasses: ['read', 'write'],
  readOnly: true,
  onViolation: 'exception',
};
const status = (code: number) => (e: { status: number }) => e.status === code;

describe('guard domain (hub)', () => {
  let t: TestHub;
  let operator: OutpostClient;
  let viewer: OutpostClient;
  let dev: EnrolledDevice;

  before(async () => {
    t = await startTestHub();
    [operator, viewer] = await Promise.all([t.userClient('operator'), t.userClient('viewer')]);
    dev = await enrollTestDevice(t, 'guard-gw-1');
  });
  after(() => t.stop());

  it('hands its grant-signing key to devices at enrollment and keeps the private half encrypted', async () => {
    const key = await viewer.guard.key();
    assert.equal((await loadIdentity(dev.dir))?.guardKeyPem, key.publicKeyPem);
    assert.equal(createPublicKey(key.publicKeyPem).asymmetricKeyType, 'ed25519');
    const row = await t.hub.db.selectFrom('guard_keys').selectAll().executeTakeFirstOrThrow();
    assert.doesNotMatch(row.private_enc, /PRIVATE KEY/);
    const der = decryptWithKek(
      readFileSync(defaultKekPath(t.dir)),
      Buffer.from(row.private_enc, 'base64'),
      'outpost:guard:grant-signing-key:v1',
    );
    const priv = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    assert.ok(createPublicKey(priv).equals(createPublicKey(key.publicKeyPem)));
    assert.ok((await t.admin.audit.list({ action: 'guard.key.create' })).items.length === 1);
  });

  it('refuses bad policies with the path of the bad value, and viewers', async () => {
    await assert.rejects(
      operator.guard.setDevicePolicy(dev.id, { ...readOnly, addressRanges: [{ table: 'holding', start: 10, end: 2 }] }),
      (e: { code: string; details: { path: string } }) =>
        e.code === 'validation_failed' && e.details.path === '/addressRanges/0/end',
    );
    await assert.rejects(
      operator.guard.setDevicePolicy(dev.id, { ...readOnly, mode: 'block' } as unknown as GuardPolicyInput),
      status(400),
    );
    await assert.rejects(
      operator.guard.setDevicePolicy(dev.id, { ...readOnly, extra: 1 } as unknown as GuardPolicyInput),
      status(400),
    );
    await assert.rejects(operator.guard.setDevicePolicy('no-such-device', readOnly), status(404));
    await assert.rejects(viewer.guard.setDevicePolicy(dev.id, readOnly), status(403));
    assert.equal((await viewer.guard.status(dev.id)).source, 'none');
  });

  it('resolves policies: the device own, else the closest group; every change is a new audited version', async () => {
    await t.admin.groups.create({ path: 'plant', kind: 'static' });
    await t.admin.groups.create({ path: 'plant/north', kind: 'static' });
    await t.admin.groups.addMembers('plant/north', { deviceIds: [dev.id] });

    const plant = await operator.guard.setGroupPolicy('plant', { ...readOnly, mode: 'alert' });
    assert.equal(plant.devices, 1);
    let s = await viewer.guard.status(dev.id);
    assert.deepEqual(
      [s.source, s.group, s.policy?.mode, s.policy?.version],
      ['group', 'plant', 'alert', plant.version],
    );
    assert.ok(s.documentVersion, 'a document was published to the device');

    const north = await operator.guard.setGroupPolicy('plant/north', readOnly);
    assert.ok(north.version > plant.version, 'versions are hub-wide and increasing');
    s = await viewer.guard.status(dev.id);
    assert.deepEqual([s.source, s.group, s.policy?.mode], ['group', 'plant/north', 'enforce']);

    const own = await operator.guard.setDevicePolicy(dev.id, { ...readOnly, mode: 'monitor' });
    assert.equal((await viewer.guard.status(dev.id)).source, 'device');
    await operator.guard.clearDevicePolicy(dev.id);
    s = await viewer.guard.status(dev.id);
    assert.deepEqual([s.source, s.group], ['group', 'plant/north']);

    const history = (await viewer.guard.devicePolicyHistory(dev.id)).items;
    assert.deepEqual(
      history.map((h) => h.policy?.mode ?? null),
      [null, 'monitor'],
    );
    assert.equal(history[1].version, own.version);
    await assert.rejects(operator.guard.setGroupPolicy('no-such-group', readOnly), status(404));
    const audited = (await t.admin.audit.list({ action: 'guard.policy.set' })).items;
    assert.ok(audited.some((a) => a.target === 'group:plant/north' && a.actor.startsWith('operator-')));
    assert.ok(
      (await t.admin.audit.list({ action: 'guard.policy.clear' })).items.some((a) => a.target === `device:${dev.id}`),
    );
  });

  it('issues signed, bounded, audited write grants; viewers cannot; revocation is final', async () => {
    const req = {
      unit: 1,
      table: 'holding' as const,
      start: 5,
      end: 9,
      durationS: 900,
      reason: 'replace the flow sensor',
    };
    await assert.rejects(viewer.guard.grant(dev.id, req), status(403));
    await assert.rejects(
      operator.guard.grant(dev.id, { ...req, durationS: 10 }),
      (e: { details: { path: string } }) => e.details.path === '/durationS',
    );
    await assert.rejects(
      operator.guard.grant(dev.id, { ...req, durationS: 9 * 3600 }),
      (e: { details: { path: string } }) => e.details.path === '/durationS',
    );
    await assert.rejects(
      operator.guard.grant(dev.id, { ...req, end: 4 }),
      (e: { details: { path: string } }) => e.details.path === '/end',
    );
    await assert.rejects(
      operator.guard.grant(dev.id, { ...req, reason: '   ' }),
      (e: { details: { path: string } }) => e.details.path === '/reason',
    );
    assert.equal(
      (await viewer.guard.grants({ deviceId: dev.id })).items.length,
      0,
      'refused requests left nothing behind',
    );

    const g = await operator.guard.grant(dev.id, req);
    const { publicKeyPem } = await viewer.guard.key();
    // The agent's verifier accepts what the hub signed: both sides agree on the signed bytes.
    const { state: _s, createdAt: _c, revokedAt: _r, revokedBy: _b, revokeReason: _x, ...signed } = g;
    assert.deepEqual(verifyGrant(signed, publicKeyPem, Date.now(), dev.id), { ok: true });
    assert.deepEqual(verifyGrant({ ...signed, end: 99 }, publicKeyPem, Date.now(), dev.id), {
      ok: false,
      reason: 'bad_signature',
    });
    assert.ok(g.expiresAt - Date.now() <= 900_000 && g.expiresAt - Date.now() > 890_000);
    assert.equal(g.state, 'active');
    assert.match(g.grantedBy, /^operator-/);
    assert.deepEqual(
      (await viewer.guard.status(dev.id)).grants.map((x) => x.id),
      [g.id],
    );

    const issued = (await t.admin.audit.list({ action: 'guard.grant.issue' })).items[0];
    assert.equal(issued.details.reason, 'replace the flow sensor');
    assert.equal(issued.details.grant, g.id);

    await assert.rejects(viewer.guard.revokeGrant(g.id, 'done'), status(403));
    const r = await operator.guard.revokeGrant(g.id, 'job finished early');
    assert.equal(r.state, 'revoked');
    await assert.rejects(operator.guard.revokeGrant(g.id, 'again'), status(409));
    assert.equal((await viewer.guard.grants({ deviceId: dev.id, active: true })).items.length, 0);
    assert.equal((await viewer.guard.grants({ deviceId: dev.id })).items.length, 1);
  });

  it('issues a grant that sets a named state with its ticket (a hotline tag), signed and audited', async () => {
    const req = {
      unit: 4,
      table: 'coil' as const,
      start: 17,
      end: 17,
      durationS: 900,
      reason: 'line work on feeder 7',
      setsState: 'hotline_feeder7',
      ticket: 'CHG-1234',
    };
    const { ticket: _t, ...noTicket } = req;
    await assert.rejects(
      operator.guard.grant(dev.id, noTicket),
      (e: { details: { path: string } }) => e.details.path === '/ticket',
    );
    const { setsState: _s, ...ticketOnly } = req;
    await assert.rejects(
      operator.guard.grant(dev.id, ticketOnly),
      (e: { details: { path: string } }) => e.details.path === '/setsState',
    );
    await assert.rejects(
      operator.guard.grant(dev.id, { ...req, setsState: 'hotline tag' }),
      (e: { status: number; message: string }) => e.status === 400 && /setsState/.test(e.message),
    );
    const g = await operator.guard.grant(dev.id, req);
    assert.deepEqual([g.setsState, g.ticket], ['hotline_feeder7', 'CHG-1234']);
    const { publicKeyPem } = await viewer.guard.key();
    const { state: _st, createdAt: _c, revokedAt: _r, revokedBy: _b, revokeReason: _x, ...signed } = g;
    assert.deepEqual(verifyGrant(signed, publicKeyPem, Date.now(), dev.id), { ok: true });
    // The state and ticket are signed: changing either breaks the signature.
    assert.equal(verifyGrant({ ...signed, ticket: 'CHG-9' }, publicKeyPem, Date.now(), dev.id).ok, false);
    const issued = (await t.admin.audit.list({ action: 'guard.grant.issue' })).items[0];
    assert.deepEqual([issued.details.setsState, issued.details.ticket], ['hotline_feeder7', 'CHG-1234']);
    await operator.guard.revokeGrant(g.id, 'line work done');
  });

  it('refuses a version 2 policy naming an undeclared state, by path', async () => {
    await assert.rejects(
      operator.guard.setDevicePolicy(dev.id, {
        ...readOnly,
        schema: 2,
        stateRules: [{ state: 'hotline_feeder7', effect: 'require', table: 'coil', start: 30, end: 30 }],
      }),
      (e: { details: { path: string } }) => e.details.path === '/stateRules/0/state',
    );
    await assert.rejects(
      operator.guard.setDevicePolicy(dev.id, { ...readOnly, values: [{ table: 'holding', start: 0, end: 1, max: 5 }] }),
      (e: { details: { path: string } }) => e.details.path === '/values',
    );
  });

  it('asks an operator with a second factor for a fresh one before granting', async () => {
    const op = await t.userClient('operator');
    const e = await op.mfa.enroll();
    const t0 = Date.now();
    await op.mfa.confirm(await totpCode(e.secret, t0));
    // The proof from enrolling is now ten minutes old.
    await t.hub.db
      .updateTable('session_mfa')
      .set({ verified_at: new Date(t0 - 600_000).toISOString() })
      .execute();
    const req = { unit: 2, table: 'coil' as const, start: 0, end: 3, durationS: 600, reason: 'valve test' };
    await assert.rejects(
      op.guard.grant(dev.id, req),
      (err: { code: string; status: number }) => err.code === 'mfa_step_up_required' && err.status === 403,
    );
    assert.equal((await viewer.guard.grants({ deviceId: dev.id, active: true })).items.length, 0);
    const g = await op.guard.grant(dev.id, { ...req, otp: await totpCode(e.secret, t0 + 30_000) });
    assert.equal(g.state, 'active');
  });

  it('queries guard events by device, type and time, and only guard events', async () => {
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const row = (seq: number, type: string, ts: string) => ({
      device_id: dev.id,
      seq,
      ts,
      received_at: ts,
      type,
      severity: 'warning',
      data_json: JSON.stringify({ master: '10.0.0.5' }),
    });
    await t.hub.db
      .insertInto('device_events')
      .values([
        row(9001, 'guard.blocked', at(-60_000)),
        row(9002, 'guard.write', at(-30_000)),
        row(9003, 'agent.command_rejected', at(-20_000)),
        row(9004, 'guard.blocked', at(-10_000)),
      ])
      .execute();
    const all = (await viewer.guard.events({ deviceId: dev.id })).items;
    assert.deepEqual(
      all.map((e) => e.seq),
      [9004, 9002, 9001],
      'newest first, guard.* only',
    );
    assert.deepEqual(
      (await viewer.guard.events({ deviceId: dev.id, type: 'guard.blocked' })).items.map((e) => e.seq),
      [9004, 9001],
    );
    assert.deepEqual(
      (await viewer.guard.events({ since: at(-45_000), until: at(-15_000) })).items.map((e) => e.seq),
      [9002],
    );
    assert.deepEqual((await viewer.guard.events({ deviceId: 'other' })).items, []);
    assert.equal(all[0].data.master, '10.0.0.5');
    await assert.rejects(
      viewer.guard.events({ type: 'agent.command_rejected' }),
      (e: { details: { path: string } }) => e.details.path === '/type',
    );
    await assert.rejects(viewer.guard.events({ since: 'yesterday' }), status(400));

    // Blocked traffic per hour, counted by the database: two in the last minute, one two days back.
    await t.hub.db
      .insertInto('device_events')
      .values([row(9005, 'guard.blocked', at(-48 * 3_600_000))])
      .execute();
    const total = (r: { items: Array<{ blocked: number }> }) => r.items.reduce((n, i) => n + i.blocked, 0);
    const day = await viewer.guard.blockedPerHour(dev.id, 24);
    assert.equal(total(day), 2);
    assert.ok(day.items.every((i) => Date.parse(i.hour) >= Date.parse(day.from) && i.hour.endsWith(':00:00.000Z')));
    assert.equal(total(await viewer.guard.blockedPerHour(dev.id, 168)), 3);
    await assert.rejects(viewer.guard.blockedPerHour('nobody', 24), status(404));
    await assert.rejects(viewer.guard.blockedPerHour(dev.id, 169), status(400));
  });
});
