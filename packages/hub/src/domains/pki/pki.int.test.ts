import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { createKeyAndCsr } from '../../../../agent/src/identity/csr.js';
import { certificateInfo, CsrError, fingerprintOf, loadOrCreateCa, type CertificateAuthority } from './ca.js';
import { loadOrCreateServerTls } from './server-tls.js';
import { subtle, x509 } from './x509-provider.js';

type Outcome = { accepted: true; cn: string } | { accepted: false; reason: string };

/** Connects a client and reports what the mTLS server decided about it. */
function handshake(server: Server, client: { cert: string; key: string; ca: string }): Promise<Outcome> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const onSecure = (s: TLSSocket) => done({ accepted: true, cn: String(s.getPeerCertificate().subject.CN) });
    // Node rejects after the handshake, so the reason is on the socket, not in the error.
    const onRefused = (err: Error, s: TLSSocket) =>
      done({ accepted: false, reason: String(s.authorizationError ?? err.message) });
    const done = (o: Outcome) => {
      server.off('secureConnection', onSecure).off('tlsClientError', onRefused);
      socket.destroy();
      resolve(o);
    };
    server.once('secureConnection', onSecure).once('tlsClientError', onRefused);
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...client });
    socket.on('error', () => undefined); // the server's verdict is what is asserted
  });
}

function expectCsrInvalid(err: unknown): boolean {
  assert.ok(err instanceof CsrError, `expected CsrError, got ${String(err)}`);
  assert.equal(err.code, 'csr_invalid');
  return true;
}

describe('device CA', { timeout: 20_000 }, () => {
  let root: string;
  let kek: Buffer;
  let ca: CertificateAuthority;
  let server: Server;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'outpost-pki-'));
    kek = randomBytes(32);
    ca = await loadOrCreateCa({ dataDir: root, kek });
    const tls = await loadOrCreateServerTls({ dataDir: root, ca, kek, hostnames: ['localhost'], ips: ['127.0.0.1'] });
    server = createServer({
      cert: tls.certPem,
      key: tls.keyPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('secureConnection', (s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  });

  it('creates a P-256 root CA with the expected profile and a 0600 encrypted key', async () => {
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.subject, 'CN=Outpost Device CA');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.match(ca.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(ca.fingerprint, fingerprintOf(ca.certPem));
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
    assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
    const usage = new x509.X509Certificate(ca.certPem).getExtension(x509.KeyUsagesExtension);
    assert.equal(usage?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.equal((await stat(join(root, 'pki', 'ca.key.enc'))).mode & 0o777, 0o600);
  });

  it('accepts a device certificate signed from an agent CSR, with CN = device id', async () => {
    const { privateKeyPem, csrPem } = await createKeyAndCsr('dev-ok');
    const issued = await ca.signDeviceCsr(csrPem, 'dev-ok');
    assert.match(issued.serial, /^[0-9a-f]+$/);
    const info = certificateInfo(issued.certPem);
    assert.equal(info.serial, issued.serial);
    assert.equal(info.subjectCn, 'dev-ok');
    assert.equal(info.notAfter.getTime(), issued.notAfter.getTime());
    const days = (info.notAfter.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 364 && days <= 365, `validity ${days} days`);
    const outcome = await handshake(server, { cert: issued.certPem, key: privateKeyPem, ca: ca.certPem });
    assert.deepEqual(outcome, { accepted: true, cn: 'dev-ok' });
  });

  it('ignores the subject the CSR asks for and issues a clientAuth-only leaf', async () => {
    const { csrPem } = await createKeyAndCsr('admin');
    const issued = await ca.signDeviceCsr(csrPem, 'dev-real', { validityDays: 30 });
    const cert = new x509.X509Certificate(issued.certPem);
    assert.equal(cert.subject, 'CN=dev-real');
    assert.deepEqual(
      [...(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])],
      [x509.ExtendedKeyUsage.clientAuth],
    );
    assert.equal(cert.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.digitalSignature);
    assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, false);
    assert.ok(await cert.verify({ publicKey: new x509.X509Certificate(ca.certPem).publicKey, signatureOnly: true }));
  });

  it('rejects a device certificate from another CA', async () => {
    const other = await loadOrCreateCa({ dataDir: join(root, 'other'), kek: randomBytes(32) });
    assert.notEqual(other.fingerprint, ca.fingerprint);
    const { privateKeyPem, csrPem } = await createKeyAndCsr('dev-rogue');
    const issued = await other.signDeviceCsr(csrPem, 'dev-rogue');
    const outcome = await handshake(server, { cert: issued.certPem, key: privateKeyPem, ca: ca.certPem });
    assert.deepEqual(outcome, { accepted: false, reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('rejects an expired device certificate', async () => {
    const { privateKeyPem, csrPem } = await createKeyAndCsr('dev-old');
    const twoYearsAgo = new Date(Date.now() - 2 * 365 * 86_400_000);
    const issued = await ca.signDeviceCsr(csrPem, 'dev-old', { now: twoYearsAgo, validityDays: 365 });
    assert.ok(issued.notAfter.getTime() < Date.now());
    const outcome = await handshake(server, { cert: issued.certPem, key: privateKeyPem, ca: ca.certPem });
    assert.deepEqual(outcome, { accepted: false, reason: 'CERT_HAS_EXPIRED' });
  });

  it('refuses CSRs that are garbage, badly signed or not P-256 with csr_invalid', async () => {
    await assert.rejects(ca.signDeviceCsr('not a csr', 'dev-x'), expectCsrInvalid);
    const { csrPem } = await createKeyAndCsr('dev-sig');
    const der = Buffer.from(x509.PemConverter.decodeFirst(csrPem));
    const at = der.indexOf('dev-sig');
    assert.ok(at > 0);
    der[at] = 'x'.charCodeAt(0); // subject changed after signing
    const forged = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
    await assert.rejects(ca.signDeviceCsr(forged, 'dev-sig'), expectCsrInvalid);
    const p384 = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
    const csr384 = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=dev-384',
      keys: p384,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    await assert.rejects(ca.signDeviceCsr(csr384.toString('pem'), 'dev-384'), expectCsrInvalid);
  });

  it('persists across starts and refuses a wrong KEK or a half-present CA', async () => {
    const again = await loadOrCreateCa({ dataDir: root, kek });
    assert.equal(again.fingerprint, ca.fingerprint);
    assert.equal(again.certPem, ca.certPem);
    const { csrPem } = await createKeyAndCsr('dev-again');
    const issued = await again.signDeviceCsr(csrPem, 'dev-again');
    assert.equal(new X509Certificate(issued.certPem).checkIssued(new X509Certificate(ca.certPem)), true);
    await assert.rejects(
      loadOrCreateCa({ dataDir: root, kek: randomBytes(32) }),
      /cannot decrypt CA key.*wrong key-encryption key/,
    );
    const half = join(root, 'half');
    await loadOrCreateCa({ dataDir: half, kek });
    await unlink(join(half, 'pki', 'ca.crt'));
    await assert.rejects(loadOrCreateCa({ dataDir: half, kek }), /CA is incomplete: .*ca\.crt is missing/);
  });
});
