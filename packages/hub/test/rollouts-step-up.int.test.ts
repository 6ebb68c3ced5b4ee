import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { totpCode } from '../src/domains/users/totp.js';
import { startTestHub, type TestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust } from './support/updates.js';

// Sending firmware to a fleet is a dangerous action: an operator who has a second factor must
// have proved it within the last five minutes, exactly as for guard write grants.
describe('MFA step-up before a rollout sends firmware', () => {
  let t: TestHub;
  let artifactId: string;
  const stepUpRefused = (err: { code: string; status: number }) =>
    err.code === 'mfa_step_up_required' && err.status === 403;

  before(async () => {
    t = await startTestHub();
    const { keys } = await setupTrust(t);
    artifactId = (await releaseArtifact(t, keys, { version: '9.0.0', models: ['gw-200'] })).id;
  });
  after(() => t.stop());

  const input = (name: string) => ({
    name,
    artifactId,
    target: { filter: 'tag.site = "nowhere"' },
    waves: [{ percent: 100 }],
  });

  it('refuses to start without a fresh second factor, accepts a code with the request or a verified session', async () => {
    const op = await t.userClient('operator');
    const e = await op.mfa.enroll();
    const t0 = Date.now();
    await op.mfa.confirm(await totpCode(e.secret, t0));
    // The proof from enrolling is now ten minutes old.
    await t.hub.db
      .updateTable('session_mfa')
      .set({ verified_at: new Date(t0 - 600_000).toISOString() })
      .execute();

    const before = (await t.admin.rollouts.list()).items.length;
    await assert.rejects(op.rollouts.create(input('stale')), stepUpRefused);
    assert.equal((await t.admin.rollouts.list()).items.length, before, 'nothing was created');

    // A draft sends nothing, so it needs no step-up; starting it does. It targets a device that never
    // says hello, so once started it keeps running (with no device at all it could finish before the cancel).
    await t.hub.db
      .insertInto('devices')
      .values({
        id: 'idle-1',
        name: 'idle-1',
        enrolled_at: new Date(t0).toISOString(),
        presence: 'never_seen',
        decommissioned: 0,
        health_interval_s: 30,
      })
      .execute();
    await t.hub.db.insertInto('device_tags').values({ device_id: 'idle-1', key: 'site', value: 'idle' }).execute();
    const draft = await op.rollouts.create({
      ...input('draft'),
      target: { filter: 'tag.site = "idle"' },
      start: false,
    });
    assert.equal(draft.state, 'draft');
    await assert.rejects(op.rollouts.start(draft.id), stepUpRefused);
    assert.equal((await t.admin.rollouts.get(draft.id)).state, 'draft');
    await assert.rejects(
      op.rollouts.create({ ...input('wrong code'), otp: '000000' }),
      (err: { code: string }) => err.code !== 'validation_failed',
    );

    // A code sent with the request proves it for this request.
    const withCode = await op.rollouts.create({ ...input('with code'), otp: await totpCode(e.secret, t0 + 30_000) });
    assert.notEqual(withCode.state, 'draft');

    // A verified session is remembered for five minutes (another operator: each code is good once).
    const op2 = await t.userClient('operator');
    const e2 = await op2.mfa.enroll();
    await op2.mfa.confirm(await totpCode(e2.secret, t0));
    await t.hub.db
      .updateTable('session_mfa')
      .set({ verified_at: new Date(t0 - 600_000).toISOString() })
      .execute();
    await assert.rejects(op2.rollouts.start(draft.id), stepUpRefused);
    await op2.mfa.verify(await totpCode(e2.secret, t0 + 30_000));
    const started = await op2.rollouts.start(draft.id);
    assert.notEqual(started.state, 'draft');
    // Canceling stops firmware going out: it never needs the step-up.
    await t.hub.db
      .updateTable('session_mfa')
      .set({ verified_at: new Date(t0 - 600_000).toISOString() })
      .execute();
    assert.equal((await op2.rollouts.cancel(started.id)).state, 'canceled');
  });

  it('lets an operator without a second factor start rollouts (the role policy decides who must have one)', async () => {
    const op = await t.userClient('operator');
    const r = await op.rollouts.create(input('no mfa'));
    assert.notEqual(r.state, 'draft');
  });

  it('keeps viewers out whatever their second factor', async () => {
    const viewer = await t.userClient('viewer');
    await assert.rejects(viewer.rollouts.create(input('viewer')), (err: { status: number }) => err.status === 403);
  });
});
