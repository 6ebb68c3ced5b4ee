import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertRenewResponse } from '@outpost/protocol';
import { createKeyAndCsr } from '@outpost/agent';
import type { Db } from '../../storage/database.js';
import { createManualClock } from '../../platform/manual-clock.js';
import { openHubDatabase } from '../hub-modules.js';
import { createAuditLog, type AuditLog } from '../audit/index.js';
import { loadOrCreateCa, type CertificateAuthority } from '../pki/ca.js';
import { createCertificatesStore } from './certificates.store.js';
import { createCertRenewalsStore, type CertRenewalsStore } from './cert-renewals.store.js';
import { createCertRenewalService, type CertRenewalService } from './cert-renewal.service.js';

const LIFETIME_S = 120;

describe('certificate renewal on the hub', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-renew-'));
  const clock = createManualClock(Date.parse('2026-12-01T00:00:00Z'));
  const answers: Array<{ deviceId: string; response: CertRenewResponse }> = [];
  let db: Db;
  let ca: CertificateAuthority;
  let renewals: CertRenewalsStore;
  let audit: AuditLog;
  let service: CertRenewalService;

  before(async () => {
    db = await openHubDatabase(dir);
    ca = await loadOrCreateCa({ dataDir: dir, kek: randomBytes(32), clock });
    renewals = createCertRenewalsStore(db);
    audit = createAuditLog({ db, clock });
    service = createCertRenewalService({
      certificates: createCertificatesStore(db),
      renewals,
      ca,
      bus: {
        publish: async (deviceId, suffix, payload) => {
          assert.equal(suffix, 'cert/issued');
          answers.push({ deviceId, response: payload as CertRenewResponse });
        },
      },
      audit,
      clock,
      lifetimeS: LIFETIME_S,
    });
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (deviceId: string, requestId: string, extra: Record<string, unknown> = {}) => {
    const { csrPem } = await createKeyAndCsr(deviceId);
    await service.onRenewRequest(deviceId, Buffer.from(JSON.stringify({ v: 1, requestId, csrPem, ...extra })));
    return answers.find((a) => a.response.requestId === requestId)!.response;
  };

  it('issues for the real lifetime, records the serial as pending and answers on the device topic', async () => {
    const r = await ask('dev-1', 'request-0001');
    assert.equal(r.ok, true);
    const row = await renewals.get('dev-1');
    assert.equal(row?.state, 'pending');
    assert.equal(row?.lastIssuedAt, clock.now().toISOString());
    assert.ok(r.ok);
    assert.equal(Date.parse(new X509Certificate(r.certificatePem).validTo) - clock.now().getTime(), LIFETIME_S * 1000);
  });

  it('refuses a second issue within a tenth of the lifetime (renewal_too_soon), then issues again', async () => {
    await clock.advance(11_000);
    const soon = await ask('dev-1', 'request-0002');
    assert.deepEqual(soon.ok ? null : soon.code, 'renewal_too_soon');
    assert.equal((await renewals.get('dev-1'))?.lastFailure, 'renewal_too_soon');
    await clock.advance(1000);
    assert.equal((await ask('dev-1', 'request-0003')).ok, true);
  });

  it('records the failure a device reports with its next request', async () => {
    await clock.advance(60_000);
    await ask('dev-2', 'request-0004', { lastFailure: { reason: 'no_answer', attempts: 2 } });
    const [last] = await audit.list({ action: 'device.certificate.renew', limit: 1 });
    assert.deepEqual(
      [last.target, last.details.lastFailure, last.details.earlierFailures],
      ['device:dev-2', 'no_answer', 2],
    );
  });

  it('keeps a malformed request as a failure and answers nothing', async () => {
    const before = answers.length;
    await service.onRenewRequest('dev-3', Buffer.from('{"v":1,"requestId":"x"}'));
    assert.equal(answers.length, before);
    assert.equal((await renewals.get('dev-3'))?.state, 'failed');
  });
});
