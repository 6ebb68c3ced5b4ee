import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadOrCreateCa } from './ca.js';
import { x509 } from './x509-provider.js';

describe('certificate revocation list', () => {
  it('names the revoked serials, is signed by the CA and carries the label OpenSSL reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-crl-'));
    try {
      const ca = await loadOrCreateCa({ dataDir: dir, kek: randomBytes(32) });
      const pem = await ca.signCrl(
        [
          { serial: '0a1b2c', revokedAt: '2026-03-04T00:00:00.000Z' },
          { serial: '77ff', revokedAt: '2026-03-05T00:00:00.000Z' },
        ],
        86_400_000,
      );
      assert.match(pem, /^-----BEGIN X509 CRL-----\n/);
      const crl = new x509.X509Crl(pem.replace(/X509 CRL/g, 'CRL'));
      assert.deepEqual(
        crl.entries.map((e) => [e.serialNumber.toLowerCase(), e.revocationDate.toISOString()]),
        [
          ['0a1b2c', '2026-03-04T00:00:00.000Z'],
          ['77ff', '2026-03-05T00:00:00.000Z'],
        ],
      );
      const caCert = new x509.X509Certificate(ca.certPem);
      assert.equal(crl.issuer, caCert.subject);
      assert.equal(await crl.verify({ publicKey: caCert.publicKey }), true);
      assert.ok(crl.nextUpdate && crl.nextUpdate.getTime() > Date.now());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
