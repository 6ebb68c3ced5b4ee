import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type OutpostClient } from '@outpost/client';
import type { Agent } from '@outpost/agent';
import { totpCode } from '../src/domains/users/totp.js';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice } from './support/devices.js';
import { startAccessAgent, startHttpService } from './support/access-peers.js';

const PASSWORD = 'a-long-password-1';
const base = (t: TestHub) => ({ baseUrl: t.hub.httpUrl, caPem: t.hub.caPem });

/** A new user with a confirmed authenticator; `t0` is the moment of the code that confirmed it. */
async function enrolledUser(t: TestHub, role: 'operator' | 'viewer' = 'operator') {
  const client = await t.userClient(role);
  const me = await client.me();
  const e = await client.mfa.enroll();
  const t0 = Date.now();
  const { recoveryCodes } = await client.mfa.confirm(await totpCode(e.secret, t0));
  return { client, me, secret: e.secret, t0, recoveryCodes };
}

describe('second factor (TOTP)', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(() => t.stop());

  it('enrolls with an otpauth URI and an SVG QR code, and keeps the secret and recovery codes only encrypted or hashed', async () => {
    const client = await t.userClient('viewer');
    const me = await client.me();
    const e = await client.mfa.enroll();
    assert.match(e.otpauthUri, /^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
    assert.match(e.qrSvg, /^<svg[\s\S]*<\/svg>\s*$/);
    await assert.rejects(client.mfa.confirm('000000'), (err: { code: string }) => err.code === 'mfa_invalid');
    assert.equal((await client.mfa.status()).enrolled, false);
    const { recoveryCodes } = await client.mfa.confirm(await totpCode(e.secret, Date.now()));
    assert.equal(recoveryCodes.length, 10);
    const st = await client.mfa.status();
    assert.equal(st.enrolled, true);
    assert.equal(st.recoveryCodesLeft, 10);
    const row = await t.hub.db
      .selectFrom('user_mfa')
      .selectAll()
      .where('user_id', '=', me.id)
      .executeTakeFirstOrThrow();
    const stored = JSON.stringify(row) + Buffer.from(row.secret_enc!, 'base64').toString('latin1');
    assert.ok(!stored.includes(e.secret), 'the TOTP secret is stored in clear');
    const codes = JSON.stringify(
      await t.hub.db.selectFrom('user_recovery_codes').selectAll().where('user_id', '=', me.id).execute(),
    );
    for (const c of recoveryCodes) assert.ok(!codes.includes(c), 'a recovery code is stored in clear');
    const audit = JSON.stringify((await t.admin.audit.list({ limit: 200 })).items);
    assert.ok(!audit.includes(e.secret) && !recoveryCodes.some((c) => audit.includes(c)));
    assert.ok(!t.logText().includes(e.secret));
  });

  it('asks for the code at sign-in, refuses a replayed code, and takes each recovery code once', async () => {
    const u = await enrolledUser(t);
    const anon = createClient(base(t));
    await assert.rejects(
      anon.login(u.me.username, PASSWORD),
      (err: { code: string; status: number }) => err.code === 'mfa_required' && err.status === 401,
    );
    // The code that confirmed enrollment was used: within its window it is refused.
    await assert.rejects(
      anon.login(u.me.username, PASSWORD, await totpCode(u.secret, u.t0)),
      (err: { code: string }) => err.code === 'mfa_invalid',
    );
    const next = await totpCode(u.secret, u.t0 + 30_000);
    const ok = await anon.login(u.me.username, PASSWORD, next);
    assert.ok(ok.session);
    // The two-step sign-in leaves a challenge, not a denied sign-in, before the successful one.
    const signIns = (await t.admin.audit.list({ limit: 200 })).items.filter(
      (a) => a.target === `user:${u.me.id}` && a.action.startsWith('auth.login'),
    );
    assert.ok(
      signIns.some((a) => a.action === 'auth.login.challenge' && a.outcome === 'ok'),
      JSON.stringify(signIns),
    );
    assert.ok(!signIns.some((a) => a.details.reason === 'mfa_required'), JSON.stringify(signIns));
    await assert.rejects(
      anon.login(u.me.username, PASSWORD, next),
      (err: { code: string }) => err.code === 'mfa_invalid',
    );
    assert.ok((await anon.login(u.me.username, PASSWORD, u.recoveryCodes[0])).session);
    await assert.rejects(
      anon.login(u.me.username, PASSWORD, u.recoveryCodes[0]),
      (err: { code: string }) => err.code === 'mfa_invalid',
    );
    const failed = (await t.admin.audit.list({ action: 'auth.login', limit: 50 })).items.filter(
      (a) => a.outcome === 'failed' && a.actor === u.me.username,
    );
    assert.ok(failed.some((a) => a.details.reason === 'replayed'));
    // An admin clears a lost authenticator: password alone works again.
    await t.admin.mfa.reset(u.me.id);
    assert.ok((await anon.login(u.me.username, PASSWORD)).session);
  });

  it('lets an admin require MFA for a role: unenrolled members may only enroll', async () => {
    await t.admin.mfa.setPolicy({ viewer: true });
    try {
      const v = await t.userClient('viewer');
      await assert.rejects(
        v.devices.list(),
        (err: { code: string; status: number }) => err.code === 'mfa_enrollment_required' && err.status === 403,
      );
      assert.equal((await v.me()).username.startsWith('viewer'), true);
      const e = await v.mfa.enroll();
      await v.mfa.confirm(await totpCode(e.secret, Date.now()));
      await v.devices.list();
    } finally {
      await t.admin.mfa.setPolicy({ viewer: false });
    }
  });

  describe('step-up for remote access', () => {
    let agent: Agent;
    let web: Awaited<ReturnType<typeof startHttpService>>;
    const deviceId = 'gw-mfa-1';
    before(async () => {
      web = await startHttpService();
      agent = startAccessAgent(t, await enrollTestDevice(t, deviceId));
      await t.admin.access.createPolicy({
        name: 'needs-mfa',
        deviceId,
        targets: [`tcp:${web.port}`],
        mfaMaxAgeS: 60,
        maxConcurrent: 10,
      });
      await eventually(async () => (await t.admin.devices.get(deviceId)).presence === 'online');
    });
    after(async () => {
      await agent?.stop();
      await web?.close();
    });
    const ask = (c: OutpostClient, otp?: string) =>
      c.access.request({ deviceId, target: `tcp:${web.port}`, reason: 'mfa check', durationS: 30, otp });

    it('refuses a user without a fresh second factor, and audits it', async () => {
      const plain = await t.userClient('operator');
      await assert.rejects(
        ask(plain),
        (err: { code: string; status: number; details?: { enrolled?: boolean } }) =>
          err.code === 'mfa_step_up_required' && err.status === 403 && err.details?.enrolled === false,
      );
      const u = await enrolledUser(t);
      await ask(u.client); // the enrollment just proved the factor
      // Age the proof beyond the policy's 60 s.
      await t.hub.db
        .updateTable('session_mfa')
        .set({ verified_at: new Date(Date.now() - 120_000).toISOString() })
        .execute();
      await assert.rejects(ask(u.client), (err: { code: string }) => err.code === 'mfa_step_up_required');
      const denied = (await t.admin.audit.list({ action: 'access.session.request', limit: 20 })).items.filter(
        (a) => a.outcome === 'denied' && a.actor === u.me.username,
      );
      assert.equal(denied[0]?.details.reason, 'mfa_step_up_required');
      // Step up, then it passes.
      const next = await totpCode(u.secret, u.t0 + 30_000);
      await u.client.mfa.verify(next);
      const r = await ask(u.client);
      assert.ok(r.operatorToken);
      await assert.rejects(u.client.mfa.verify(next), (err: { code: string }) => err.code === 'mfa_invalid');
    });

    it('accepts a code sent with the request, from an API token too', async () => {
      const u = await enrolledUser(t);
      const tok = await u.client.tokens.create({ name: 'script', role: 'operator' });
      const asToken = createClient({ ...base(t), token: tok.token });
      await assert.rejects(
        ask(asToken),
        (err: { code: string; details?: { enrolled?: boolean } }) =>
          err.code === 'mfa_step_up_required' && err.details?.enrolled === true,
      );
      await assert.rejects(ask(asToken, '123456'), (err: { code: string }) => err.code === 'mfa_invalid');
      const r = await ask(asToken, u.recoveryCodes[3]);
      assert.ok(r.operatorToken);
    });
  });
});
