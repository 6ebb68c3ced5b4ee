import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createMfaStore } from './mfa.store.js';

const T1 = '2026-03-02T10:00:00.000Z';
const T2 = '2026-03-02T10:05:00.000Z';

export function mfaStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`MFA store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('has no record for a user without MFA', async () => {
      assert.equal(await createMfaStore(db()).get('usr_ann'), null);
    });

    it('keeps a pending secret, replacing an earlier pending one', async () => {
      const mfa = createMfaStore(db());
      await mfa.setPending('usr_ann', 'enc-1', T1);
      await mfa.setPending('usr_ann', 'enc-2', T2);
      assert.deepEqual(await mfa.get('usr_ann'), {
        userId: 'usr_ann',
        secretEnc: null,
        pendingSecretEnc: 'enc-2',
        pendingAt: T2,
        confirmedAt: null,
        lastStep: null,
      });
    });

    it('confirms the pending secret as the active one, once', async () => {
      const mfa = createMfaStore(db());
      assert.equal(await mfa.confirm('usr_ann', T1, 100), false);
      await mfa.setPending('usr_ann', 'enc-1', T1);
      assert.equal(await mfa.confirm('usr_ann', T2, 100), true);
      assert.deepEqual(await mfa.get('usr_ann'), {
        userId: 'usr_ann',
        secretEnc: 'enc-1',
        pendingSecretEnc: null,
        pendingAt: null,
        confirmedAt: T2,
        lastStep: 100,
      });
      assert.equal(await mfa.confirm('usr_ann', T2, 101), false);
    });

    it('keeps the active secret while a new one is pending', async () => {
      const mfa = createMfaStore(db());
      await mfa.setPending('usr_ann', 'enc-1', T1);
      await mfa.confirm('usr_ann', T1, 1);
      await mfa.setPending('usr_ann', 'enc-2', T2);
      const r = await mfa.get('usr_ann');
      assert.equal(r?.secretEnc, 'enc-1');
      assert.equal(r?.pendingSecretEnc, 'enc-2');
    });

    it('advances the used step only forward, refusing replays', async () => {
      const mfa = createMfaStore(db());
      assert.equal(await mfa.advanceStep('usr_ann', 5), false);
      await mfa.setPending('usr_ann', 'enc-1', T1);
      assert.equal(await mfa.advanceStep('usr_ann', 5), true);
      assert.equal(await mfa.advanceStep('usr_ann', 5), false);
      assert.equal(await mfa.advanceStep('usr_ann', 4), false);
      assert.equal(await mfa.advanceStep('usr_ann', 6), true);
      assert.equal((await mfa.get('usr_ann'))?.lastStep, 6);
    });

    it('replaces recovery codes and spends each once', async () => {
      const mfa = createMfaStore(db());
      await mfa.replaceRecoveryCodes('usr_ann', ['h1', 'h2', 'h3']);
      assert.equal(await mfa.recoveryCodesLeft('usr_ann'), 3);
      assert.equal(await mfa.useRecoveryCode('usr_ann', 'h2', T1), true);
      assert.equal(await mfa.useRecoveryCode('usr_ann', 'h2', T2), false);
      assert.equal(await mfa.useRecoveryCode('usr_bob', 'h1', T2), false);
      assert.equal(await mfa.useRecoveryCode('usr_ann', 'nope', T2), false);
      assert.equal(await mfa.recoveryCodesLeft('usr_ann'), 2);
      await mfa.replaceRecoveryCodes('usr_ann', ['h9']);
      assert.equal(await mfa.recoveryCodesLeft('usr_ann'), 1);
      assert.equal(await mfa.useRecoveryCode('usr_ann', 'h1', T2), false);
      await mfa.replaceRecoveryCodes('usr_ann', []);
      assert.equal(await mfa.recoveryCodesLeft('usr_ann'), 0);
    });

    it("removes a user's MFA record and recovery codes, not another's", async () => {
      const mfa = createMfaStore(db());
      await mfa.setPending('usr_ann', 'enc-1', T1);
      await mfa.setPending('usr_bob', 'enc-b', T1);
      await mfa.replaceRecoveryCodes('usr_ann', ['h1']);
      await mfa.replaceRecoveryCodes('usr_bob', ['h1']);
      await mfa.remove('usr_ann');
      assert.equal(await mfa.get('usr_ann'), null);
      assert.equal(await mfa.recoveryCodesLeft('usr_ann'), 0);
      assert.equal((await mfa.get('usr_bob'))?.pendingSecretEnc, 'enc-b');
      assert.equal(await mfa.recoveryCodesLeft('usr_bob'), 1);
    });

    it('sets and overwrites the per-role requirement', async () => {
      const mfa = createMfaStore(db());
      assert.deepEqual(await mfa.rolePolicy(), new Map());
      await mfa.setRolePolicy('admin', true, 'ann', T1);
      await mfa.setRolePolicy('viewer', false, 'ann', T1);
      await mfa.setRolePolicy('admin', false, 'bob', T2);
      assert.deepEqual(
        await mfa.rolePolicy(),
        new Map([
          ['admin', false],
          ['viewer', false],
        ]),
      );
      await mfa.setRolePolicy('viewer', true, 'bob', T2);
      assert.equal((await mfa.rolePolicy()).get('viewer'), true);
    });

    it('records, overwrites and forgets when a session passed MFA', async () => {
      const mfa = createMfaStore(db());
      assert.equal(await mfa.sessionVerifiedAt('s1'), null);
      await mfa.setSessionVerified('s1', T1);
      await mfa.setSessionVerified('s1', T2);
      await mfa.setSessionVerified('s2', T1);
      assert.equal(await mfa.sessionVerifiedAt('s1'), T2);
      await mfa.forgetSession('s1');
      assert.equal(await mfa.sessionVerifiedAt('s1'), null);
      assert.equal(await mfa.sessionVerifiedAt('s2'), T1);
    });
  });
}
