import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../storage/database.js';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import { createManualClock } from '../../../platform/manual-clock.js';
import { openHubDatabase } from '../../hub-modules.js';
import { createAuditLog } from '../../audit/index.js';
import type { DevicePoll, OidcClient } from './oidc-client.js';
import { createSsoFlowsStore } from './sso-flows.store.js';
import { createSsoDevice } from './sso-device.js';

const provider: OidcProviderConfig = {
  id: 'corp',
  label: 'Corp',
  issuer: 'https://sso.example.com',
  clientId: 'hub',
  redirectUrl: 'https://hub.example.com/api/v1/auth/oidc/corp/callback',
  deviceFlow: true,
  scopes: ['openid'],
  usernameClaim: 'preferred_username',
  rules: [{ claim: 'groups', value: 'ot-north', role: 'operator', groups: ['north'] }],
};
const VERIFIER = 'v'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

describe('the device authorization grant on the hub: interval, slow_down and the provider refusing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-sso-device-'));
  const clock = createManualClock(Date.UTC(2030, 0, 1, 12));
  let db: Db;
  let device: ReturnType<typeof createSsoDevice>;
  // What the provider's token endpoint answers next, and how often it was asked.
  const answers: DevicePoll['kind'][] = [];
  let asked = 0;
  const client = {
    startDevice: async () => ({
      deviceCode: 'device-code-at-the-provider',
      userCode: 'ABCD-EFGH',
      verificationUri: 'https://sso.example.com/device',
      verificationUriComplete: 'https://sso.example.com/device?user_code=ABCD-EFGH',
      expiresIn: 120,
      interval: 5,
    }),
    pollDevice: async () => {
      asked++;
      return { kind: answers.shift() ?? 'authorization_pending' } as DevicePoll;
    },
  } as unknown as OidcClient;

  before(async () => {
    db = await openHubDatabase(dir);
    device = createSsoDevice({
      providers: [provider, { ...provider, id: 'nodevice', deviceFlow: undefined }],
      clients: new Map([['corp', client]]),
      flows: createSsoFlowsStore(db),
      audit: createAuditLog({ db, clock }),
      clock,
      provision: () => Promise.reject(new Error('not reached')),
      openSession: () => Promise.reject(new Error('not reached')),
    });
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the code and a handle, never the device code; refuses a provider without device sign-in', async () => {
    const s = await device.start('corp', CHALLENGE, null);
    assert.deepEqual(Object.keys(s).sort(), [
      'expiresIn',
      'handle',
      'interval',
      'userCode',
      'verificationUri',
      'verificationUriComplete',
    ]);
    assert.ok(!JSON.stringify(s).includes('device-code-at-the-provider'));
    await assert.rejects(device.start('nodevice', CHALLENGE, null), { code: 'sso_not_enabled' });
  });

  it('asks the provider at most once per interval, five seconds slower after slow_down', async () => {
    const { handle } = await device.start('corp', CHALLENGE, null);
    asked = 0;
    assert.deepEqual(await device.poll(handle, VERIFIER, null), { status: 'pending', interval: 5 });
    assert.deepEqual(await device.poll(handle, VERIFIER, null), { status: 'pending', interval: 5 });
    assert.equal(asked, 1, 'the second poll came before the interval was over');
    await clock.advance(5_000);
    answers.push('slow_down');
    assert.deepEqual(await device.poll(handle, VERIFIER, null), { status: 'slow_down', interval: 10 });
    await clock.advance(5_000);
    await device.poll(handle, VERIFIER, null);
    assert.equal(asked, 2, 'slowed down to ten seconds');
    await clock.advance(5_000);
    await device.poll(handle, VERIFIER, null);
    assert.equal(asked, 3);
  });

  it('refuses another verifier, then a denied and an expired code with their reasons, and forgets them', async () => {
    const { handle } = await device.start('corp', CHALLENGE, null);
    await assert.rejects(device.poll(handle, 'w'.repeat(43), null), {
      code: 'sso_state_invalid',
      reason: 'verifier_mismatch',
    });
    answers.push('access_denied');
    await assert.rejects(device.poll(handle, VERIFIER, null), { code: 'sso_access_denied', reason: 'access_denied' });
    await assert.rejects(device.poll(handle, VERIFIER, null), { reason: 'unknown_device_handle' });

    const second = await device.start('corp', CHALLENGE, null);
    answers.push('expired_token');
    await assert.rejects(device.poll(second.handle, VERIFIER, null), {
      code: 'sso_device_expired',
      reason: 'expired_token',
    });

    const third = await device.start('corp', CHALLENGE, null);
    await clock.advance(121_000);
    await assert.rejects(device.poll(third.handle, VERIFIER, null), {
      code: 'sso_device_expired',
      reason: 'expired_token',
    });
    await assert.rejects(device.poll(third.handle, VERIFIER, null), { reason: 'unknown_device_handle' });
  });
});
