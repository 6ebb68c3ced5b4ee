import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateInfo, loadOrCreateCa, type CertificateAuthority } from './ca.js';
import { loadOrCreateServerTls } from './server-tls.js';
import { decryptWithKek } from '../../platform/kek-seal.js';

describe('server TLS identity', { timeout: 20_000 }, () => {
  let root: string;
  let ca: CertificateAuthority;
  const kek = randomBytes(32);
  const names = { hostnames: ['hub.example', 'localhost'], ips: ['127.0.0.1', '::1'] };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'outpost-srv-'));
    ca = await loadOrCreateCa({ dataDir: root, kek });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('issues a serverAuth leaf for the names, chained to the CA, with its key sealed under the KEK', async () => {
    const tls = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    const leaf = new X509Certificate(tls.certPem);
    assert.equal(
      leaf.subjectAltName,
      'DNS:hub.example, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    assert.equal(leaf.checkIssued(new X509Certificate(ca.certPem)), true);
    assert.equal(leaf.checkPrivateKey(createPrivateKey(tls.keyPem)), true);
    assert.ok(tls.certPem.endsWith(ca.certPem), 'the CA follows the leaf');
    const sealed = await readFile(join(root, 'pki', 'server.key.enc'));
    assert.equal(sealed.includes('PRIVATE KEY'), false, 'no clear key on disk');
    assert.equal(decryptWithKek(kek, sealed, 'outpost hub server tls key').toString(), tls.keyPem);
    await assert.rejects(stat(join(root, 'pki', 'server.key')), { code: 'ENOENT' });
    for (const f of ['server.key.enc', 'server.crt'])
      assert.equal((await stat(join(root, 'pki', f))).mode & 0o777, 0o600, f);
    assert.equal(await readFile(join(root, 'pki', 'server.crt'), 'utf8'), tls.certPem);
  });

  it('reuses the stored pair while names and validity still fit, in any order', async () => {
    const first = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    const again = await loadOrCreateServerTls({
      dataDir: root,
      ca,
      kek,
      hostnames: ['LOCALHOST', 'hub.example'],
      ips: ['0:0::1', '127.0.0.1'],
    });
    assert.equal(again.certPem, first.certPem);
    assert.equal(again.keyPem, first.keyPem);
  });

  it('re-issues when the names change', async () => {
    const old = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    const renamed = await loadOrCreateServerTls({
      dataDir: root,
      ca,
      kek,
      hostnames: ['hub.example'],
      ips: ['127.0.0.1', '10.0.0.5'],
    });
    assert.notEqual(renamed.certPem, old.certPem);
    assert.match(new X509Certificate(renamed.certPem).subjectAltName ?? '', /IP Address:10\.0\.0\.5/);
  });

  it('re-issues within 30 days of expiry, not before', async () => {
    const current = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    const { notAfter } = certificateInfo(current.certPem);
    const day = 86_400_000;
    const early = await loadOrCreateServerTls({
      dataDir: root,
      ca,
      kek,
      ...names,
      now: new Date(notAfter.getTime() - 31 * day),
    });
    assert.equal(early.certPem, current.certPem);
    const late = await loadOrCreateServerTls({
      dataDir: root,
      ca,
      kek,
      ...names,
      now: new Date(notAfter.getTime() - 29 * day),
    });
    assert.notEqual(late.certPem, current.certPem);
  });

  it('re-issues when a file is missing or the CA changed', async () => {
    const current = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    await unlink(join(root, 'pki', 'server.key.enc'));
    const rekeyed = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    assert.notEqual(rekeyed.keyPem, current.keyPem);
    const otherCa = await loadOrCreateCa({ dataDir: join(root, 'other'), kek: randomBytes(32) });
    const moved = await loadOrCreateServerTls({ dataDir: root, ca: otherCa, kek, ...names });
    assert.equal(new X509Certificate(moved.certPem).checkIssued(new X509Certificate(otherCa.certPem)), true);
  });

  it('seals a clear key an earlier release left, keeping the pair, and removes the clear file', async () => {
    const current = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    await unlink(join(root, 'pki', 'server.key.enc'));
    await writeFile(join(root, 'pki', 'server.key'), current.keyPem, { mode: 0o600 });
    const kept = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    assert.equal(kept.keyPem, current.keyPem);
    assert.equal(kept.certPem, current.certPem);
    await assert.rejects(stat(join(root, 'pki', 'server.key')), { code: 'ENOENT' });
    const sealed = await readFile(join(root, 'pki', 'server.key.enc'));
    assert.equal(decryptWithKek(kek, sealed, 'outpost hub server tls key').toString(), current.keyPem);
  });

  it('issues a new pair when the sealed key does not open under this KEK', async () => {
    const current = await loadOrCreateServerTls({ dataDir: root, ca, kek, ...names });
    const other = await loadOrCreateServerTls({ dataDir: root, ca, kek: randomBytes(32), ...names });
    assert.notEqual(other.keyPem, current.keyPem);
  });

  it('refuses an empty name set or a malformed IP', async () => {
    await assert.rejects(ca.issueServerCert({ hostnames: [], ips: [] }), /at least one hostname or IP/);
    await assert.rejects(ca.issueServerCert({ hostnames: ['x'], ips: ['300.1.1.1'] }), /not an IP address/);
  });
});
