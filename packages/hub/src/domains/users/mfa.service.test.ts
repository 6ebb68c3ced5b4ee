import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../storage/database.js';
import { openHubDatabase as openSqlite } from '../hub-modules.js';
import { createAuditLog } from '../audit/index.js';
import { createUsersStore } from './users.store.js';
import { createMfaStore } from './mfa.store.js';
import { createMfaService, type MfaService } from './mfa.service.js';
import { requireFreshMfa } from './step-up.js';
import { totpCode } from './totp.js';
import type { Principal } from './principal.js';
import { createManualClock } from '../../platform/manual-clock.js';

describe('MFA service (TOTP, RFC 6238)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mfa-'));
  let db: Db;
  let mfa: MfaService;
  let now = Date.UTC(2030, 0, 1, 12, 0, 10); // 10 s into a 30-second step
  const clock = { ...createManualClock(), now: () => new Date(now) };
  const p: Principal = {
    kind: 'user',
    id: 'usr_1',
    userId: 'usr_1',
    username: 'alice',
    role: 'operator',
    sourceIp: null,
    sessionHash: 'h1',
  };
  let secret = '';

  before(async () => {
    db = await openSqlite(dir);
    const users = createUsersStore(db);
    await users.insert({
      id: 'usr_1',
      username: 'alice',
      role: 'operator',
      disabled: false,
      createdAt: clock.now().toISOString(),
      lastLoginAt: null,
      passwordHash: 'x',
    });
    mfa = createMfaService({
      store: createMfaStore(db),
      users,
      audit: createAuditLog({ db, clock }),
      clock,
      kek: randomBytes(32),
      issuer: 'Outpost test',
      maxFailures: 5,
      windowMinutes: 15,
    });
    secret = (await mfa.startEnrollment(p)).secret;
    await mfa.confirmEnrollment(p, await totpCode(secret, now));
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a code once: the same code is refused for the rest of its window', async () => {
    now += 20_000; // next step
    const code = await totpCode(secret, now);
    const proved = await mfa.stepUp(p, code);
    assert.equal(proved.mfaAt, new Date(now).toISOString());
    now += 15_000; // the code is still inside the ±1 step tolerance here
    await assert.rejects(
      mfa.stepUp(p, code),
      (e: { code: string; message: string }) => e.code === 'mfa_invalid' && /used already/.test(e.message),
    );
    // An older code that is still within the tolerance is refused too: steps only move forward.
    await assert.rejects(
      mfa.stepUp(p, await totpCode(secret, now - 30_000)),
      (e: { code: string; message: string }) => e.code === 'mfa_invalid' && /used already/.test(e.message),
    );
    await mfa.stepUp(p, await totpCode(secret, now + 30_000));
  });

  it('refuses a code from outside the tolerance window', async () => {
    now += 60_000;
    await assert.rejects(
      mfa.stepUp(p, await totpCode(secret, now - 90_000)),
      (e: { code: string }) => e.code === 'mfa_invalid',
    );
    await assert.rejects(
      mfa.stepUp(p, await totpCode(secret, now + 90_000)),
      (e: { code: string }) => e.code === 'mfa_invalid',
    );
  });

  it('rate-limits wrong codes', async () => {
    for (let i = 0; i < 3; i++) await assert.rejects(mfa.stepUp(p, '000000'));
    await assert.rejects(
      mfa.stepUp(p, await totpCode(secret, now)),
      (e: { code: string }) => e.code === 'rate_limited',
    );
    now += 16 * 60_000;
    await mfa.stepUp(p, await totpCode(secret, now));
  });

  it('judges freshness for step-up', () => {
    const at = new Date(now);
    assert.doesNotThrow(() => requireFreshMfa({ ...p, mfaAt: new Date(now - 299_000).toISOString() }, 300, at));
    assert.throws(
      () => requireFreshMfa({ ...p, mfaAt: new Date(now - 301_000).toISOString() }, 300, at),
      (e: { code: string }) => e.code === 'mfa_step_up_required',
    );
    assert.throws(
      () => requireFreshMfa({ ...p, mfaAt: null }, 300, at),
      (e: { details: { enrolled: boolean } }) => e.details.enrolled === false,
    );
  });
});
