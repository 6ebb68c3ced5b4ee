import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { buildCsr, createKeyAndCsr, toPem } from './csr.js';
// The hub's own check and its X.509 library read the requests back: an independent parser.
import { CsrError, verifiedCsr } from '../../../hub/src/domains/pki/csr-check.js';
import { x509 } from '../../../hub/src/domains/pki/x509-provider.js';

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

describe('createKeyAndCsr', { timeout: 10_000 }, () => {
  it('makes a P-256 PKCS#8 key and a self-signed CSR for the device id that the hub accepts', async () => {
    const { privateKeyPem, csrPem } = await createKeyAndCsr('plc-7, line=2');
    assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(
      csrPem,
      /^-----BEGIN CERTIFICATE REQUEST-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE REQUEST-----\n$/,
    );
    const key = createPrivateKey(privateKeyPem);
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const accepted = (await verifiedCsr(csrPem)).publicKey;
    const csrKey = createPublicKey({ key: Buffer.from(accepted.rawData), format: 'der', type: 'spki' });
    assert.ok(csrKey.equals(createPublicKey(key)), 'the CSR carries the public half of the returned key');
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    assert.deepEqual(csr.subjectName.getField('CN'), ['plc-7, line=2']);
    assert.deepEqual(csr.signatureAlgorithm, { name: 'ECDSA', hash: { name: 'SHA-256' } });
    assert.equal(csr.attributes.length, 0);
  });

  it('keeps a non-ASCII id as UTF-8', async () => {
    const { csrPem } = await createKeyAndCsr('pumpe-süd');
    assert.deepEqual(new x509.Pkcs10CertificateRequest(csrPem).subjectName.getField('CN'), ['pumpe-süd']);
  });

  it('makes a different key every time', async () => {
    const a = await createKeyAndCsr('dev-a');
    const b = await createKeyAndCsr('dev-a');
    assert.notEqual(a.privateKeyPem, b.privateKeyPem);
  });

  it('is refused by the hub once a byte of the signed part changes', async () => {
    const { csrPem } = await createKeyAndCsr('dev-tamper');
    const der = pemToDer(csrPem);
    const at = der.indexOf('dev-tamper');
    assert.ok(at > 0);
    der[at] = 'x'.charCodeAt(0);
    await assert.rejects(
      verifiedCsr(toPem(der, 'CERTIFICATE REQUEST')),
      (e: unknown) => e instanceof CsrError && /signature does not verify/.test(e.message),
    );
  });

  it('is refused by the hub when signed by a key other than the one it carries', async () => {
    const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = buildCsr('dev-swap', signer.privateKey, other.publicKey);
    await assert.rejects(
      verifiedCsr(toPem(der, 'CERTIFICATE REQUEST')),
      (e: unknown) => e instanceof CsrError && /signature does not verify/.test(e.message),
    );
  });

  it('refuses an empty or over-long common name', () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    assert.throws(() => buildCsr('', k.privateKey, k.publicKey), /common name must be 1 to 64 characters/);
    assert.throws(() => buildCsr('a'.repeat(65), k.privateKey, k.publicKey), /common name must be 1 to 64/);
    assert.ok(buildCsr('a'.repeat(64), k.privateKey, k.publicKey).length > 0);
  });
});
