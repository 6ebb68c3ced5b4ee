import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createKeyAndCsr } from './csr.js';
import { x509 } from './x509-provider.js';

describe('createKeyAndCsr', { timeout: 10_000 }, () => {
  it('makes a P-256 PKCS#8 key and a self-signed CSR for the device id', async () => {
    const { privateKeyPem, csrPem } = await createKeyAndCsr('plc-7, line=2');
    assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(privateKeyPem);
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    assert.equal(await csr.verify(), true);
    assert.deepEqual(csr.subjectName.getField('CN'), ['plc-7, line=2']);
    const csrKey = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
    assert.ok(csrKey.equals(createPublicKey(key)), 'the CSR carries the public half of the returned key');
  });

  it('makes a different key every time', async () => {
    const a = await createKeyAndCsr('dev-a');
    const b = await createKeyAndCsr('dev-a');
    assert.notEqual(a.privateKeyPem, b.privateKeyPem);
  });
});
