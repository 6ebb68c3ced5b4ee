import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKeyAndCsr, toPem } from './csr.js';

const exec = promisify(execFile);

// OpenSSL as a third-party reader of the hand-encoded requests.
describe('agent CSRs read by openssl', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-csr-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const openssl = (...args: string[]) => exec('openssl', args, { timeout: 10_000 });

  it('verifies the self-signature and shows the subject and P-256 key', async () => {
    const { csrPem } = await createKeyAndCsr('gw-north.7');
    const file = join(dir, 'ok.csr');
    writeFileSync(file, csrPem);
    const r = await openssl('req', '-in', file, '-noout', '-verify', '-text');
    assert.match(r.stderr + r.stdout, /verify OK/i);
    assert.match(r.stdout, /Subject: CN ?= ?gw-north\.7/);
    assert.match(r.stdout, /NIST CURVE: P-256|prime256v1/);
    assert.match(r.stdout, /Signature Algorithm: ecdsa-with-SHA256/);
  });

  it('refuses a request whose subject changed after signing', async () => {
    const { csrPem } = await createKeyAndCsr('gw-tamper');
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    der[der.indexOf('gw-tamper')] = 'x'.charCodeAt(0);
    const file = join(dir, 'bad.csr');
    writeFileSync(file, toPem(der, 'CERTIFICATE REQUEST'));
    // OpenSSL 3.0 reports the failure but still exits 0 (later releases exit 1): judge by what it says.
    const out = await openssl('req', '-in', file, '-noout', '-verify').then(
      (r) => r.stdout + r.stderr,
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    );
    assert.match(out, /self-signature verify failure/i);
    assert.doesNotMatch(out, /verify OK/i);
  });
});
