import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import type { DeviceCertificate } from '@outpost/protocol';
import { createCertificatesStore } from './certificates.store.js';
import { createCertRenewalsStore } from './cert-renewals.store.js';

const cert = (
  serial: string,
  deviceId: string,
  issuedAt: string,
  caId = 'ca-1',
  notAfter = '2027-03-01T00:00:00.000Z',
): Omit<DeviceCertificate, 'revokedAt' | 'revokeReason'> => ({
  serial,
  deviceId,
  fingerprint: `sha256:${serial}`,
  issuedAt,
  notAfter,
  caId,
});

export function certificatesStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`certificates store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('reads back an issued certificate by serial, not revoked', async () => {
      const certs = createCertificatesStore(db());
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'));
      assert.deepEqual(await certs.get('01'), {
        ...cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'),
        revokedAt: null,
        revokeReason: null,
      });
      assert.equal(await certs.get('02'), null);
    });

    it('reads a certificate for admission with whether it is the pending renewal of its device', async () => {
      const certs = createCertificatesStore(db());
      const renewals = createCertRenewalsStore(db());
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'));
      await certs.insert(cert('02', 'dev_a', '2026-03-02T00:00:00.000Z'));
      await certs.insert(cert('03', 'dev_b', '2026-03-02T00:00:00.000Z'));
      await renewals.enrolled('dev_a', 'key-1');
      await renewals.issued('dev_a', '02', 'key-2', '2026-03-02T00:00:00.000Z');
      // dev_b's renewal names dev_a's serial: a pending serial counts only for its own device.
      await renewals.issued('dev_b', '01', 'key-3', '2026-03-02T00:00:00.000Z');
      assert.deepEqual(await certs.forAdmission('02'), {
        ...cert('02', 'dev_a', '2026-03-02T00:00:00.000Z'),
        revokedAt: null,
        revokeReason: null,
        renewalPending: true,
      });
      assert.equal((await certs.forAdmission('01'))?.renewalPending, false);
      assert.equal((await certs.forAdmission('03'))?.renewalPending, false);
      assert.equal(await certs.forAdmission('04'), null);
      assert.equal(await renewals.completeIfPending('dev_a', '02', '2026-03-03T00:00:00.000Z'), true);
      assert.equal((await certs.forAdmission('02'))?.renewalPending, false);
    });

    it('counts live certificates and their devices per CA, and revokes all of one CA', async () => {
      const certs = createCertificatesStore(db());
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z', 'ca-1'));
      await certs.insert(cert('02', 'dev_a', '2026-03-02T00:00:00.000Z', 'ca-1'));
      await certs.insert(cert('03', 'dev_b', '2026-03-02T00:00:00.000Z', 'ca-1', '2026-03-03T00:00:00.000Z'));
      await certs.insert(cert('04', 'dev_b', '2026-03-04T00:00:00.000Z', 'ca-2'));
      await certs.insert(cert('05', 'dev_c', '2026-03-04T00:00:00.000Z', 'ca-2'));
      await certs.revokeAllOf('dev_c', '2026-03-05T00:00:00.000Z', 'revoked');
      const live = await certs.liveByCa('2026-04-01T00:00:00.000Z');
      assert.deepEqual(
        live.sort((a, b) => a.caId.localeCompare(b.caId)),
        [
          { caId: 'ca-1', certificates: 2, devices: 1 },
          { caId: 'ca-2', certificates: 1, devices: 1 },
        ],
      );
      assert.deepEqual(await certs.devicesOnCas(['ca-2'], '2026-04-01T00:00:00.000Z', 10), ['dev_b']);
      assert.deepEqual(await certs.devicesOnCas([], '2026-04-01T00:00:00.000Z', 10), []);
      // dev_a's newest live certificate lapses on 2027-03-01, dev_b's too; dev_c has none live.
      assert.equal(await certs.lapsingCount('2026-04-01T00:00:00.000Z', '2027-03-02T00:00:00.000Z'), 2);
      assert.equal(await certs.lapsingCount('2026-04-01T00:00:00.000Z', '2027-02-28T00:00:00.000Z'), 0);
      assert.equal(await certs.revokeAllOfCa('ca-1', '2026-04-02T00:00:00.000Z', 'ca_retired'), 3);
      assert.equal((await certs.get('02'))?.revokeReason, 'ca_retired');
      assert.equal((await certs.get('04'))?.revokedAt, null);
    });

    it('refuses a second certificate with the same serial', async () => {
      const certs = createCertificatesStore(db());
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'));
      await assert.rejects(certs.insert(cert('01', 'dev_b', '2026-03-02T00:00:00.000Z')));
    });

    it("lists a device's certificates by issue time", async () => {
      const certs = createCertificatesStore(db());
      await certs.insert(cert('03', 'dev_a', '2026-03-03T00:00:00.000Z'));
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'));
      await certs.insert(cert('02', 'dev_b', '2026-03-02T00:00:00.000Z'));
      assert.deepEqual(
        (await certs.ofDevice('dev_a')).map((c) => c.serial),
        ['01', '03'],
      );
      assert.deepEqual(await certs.ofDevice('dev_x'), []);
    });

    it('revokes every unrevoked certificate of a device once, keeping the first revocation time', async () => {
      const certs = createCertificatesStore(db());
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'));
      await certs.insert(cert('02', 'dev_a', '2026-03-02T00:00:00.000Z'));
      await certs.insert(cert('03', 'dev_b', '2026-03-02T00:00:00.000Z'));
      assert.equal(await certs.revokeAllOf('dev_a', '2026-03-05T00:00:00.000Z', 'decommissioned'), 2);
      assert.equal(await certs.revokeAllOf('dev_a', '2026-03-06T00:00:00.000Z', 'again'), 0);
      assert.deepEqual(
        (await certs.ofDevice('dev_a')).map((c) => c.revokedAt),
        ['2026-03-05T00:00:00.000Z', '2026-03-05T00:00:00.000Z'],
      );
      assert.equal((await certs.get('03'))?.revokedAt, null);
    });
    it('revokes all but the certificate a renewal put in use, naming the reason', async () => {
      const certs = createCertificatesStore(db());
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'));
      await certs.insert(cert('02', 'dev_a', '2026-03-02T00:00:00.000Z'));
      await certs.insert(cert('03', 'dev_a', '2026-03-03T00:00:00.000Z'));
      await certs.insert(cert('04', 'dev_b', '2026-03-03T00:00:00.000Z'));
      assert.equal(await certs.revokeAllBut('dev_a', '03', '2026-03-05T00:00:00.000Z', 'superseded'), 2);
      assert.deepEqual(
        (await certs.ofDevice('dev_a')).map((c) => [c.serial, c.revokeReason]),
        [
          ['01', 'superseded'],
          ['02', 'superseded'],
          ['03', null],
        ],
      );
      assert.equal((await certs.get('04'))?.revokedAt, null);
    });
    it("lists revoked certificates that have not expired, for the brokers' revocation list", async () => {
      const certs = createCertificatesStore(db());
      await certs.insert(cert('01', 'dev_a', '2026-03-01T00:00:00.000Z'));
      await certs.insert(cert('02', 'dev_b', '2026-03-01T00:00:00.000Z', 'ca-2'));
      await certs.insert(cert('03', 'dev_c', '2026-03-01T00:00:00.000Z', 'ca-1', '2026-03-10T00:00:00.000Z'));
      await certs.insert(cert('04', 'dev_d', '2026-03-01T00:00:00.000Z'));
      await certs.revokeAllOf('dev_b', '2026-03-04T00:00:00.000Z', 'stolen');
      await certs.revokeAllOf('dev_a', '2026-03-05T00:00:00.000Z', 'decommissioned');
      await certs.revokeAllOf('dev_c', '2026-03-05T00:00:00.000Z', 'revoked');
      // dev_c's certificate expired by then: a revocation list need not name it any more.
      assert.deepEqual(await certs.revokedUnexpired('2026-03-20T00:00:00.000Z'), [
        { serial: '02', caId: 'ca-2', revokedAt: '2026-03-04T00:00:00.000Z' },
        { serial: '01', caId: 'ca-1', revokedAt: '2026-03-05T00:00:00.000Z' },
      ]);
    });
  });
}
