import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { loadOrCreateCa, type CertificateAuthority } from '../../../hub/src/domains/pki/ca.js';
import { createKeyAndCsr } from './csr.js';
import { fetchMutual, fetchPinned, PinError } from './pinned-fetch.js';

type Closable = NetServer | HttpsServer;
const servers: Closable[] = [];

async function listen<T extends Closable>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A TLS server that counts the application bytes its next client sends; `nextClose`
 * resolves with the count once that client is gone. A client that hangs up right
 * after its handshake may never complete it on the server side (tlsClientError),
 * which also means it sent nothing.
 */
async function byteCountingServer(cert: string, key: string): Promise<{ url: string; nextClose: Promise<number> }> {
  let report: (bytes: number) => void = () => undefined;
  const nextClose = new Promise<number>((resolve) => (report = resolve));
  const server = createTlsServer({ cert, key }, (socket: TLSSocket) => {
    let bytes = 0;
    socket.on('data', (d: Buffer) => (bytes += d.length));
    socket.on('error', () => undefined);
    socket.on('close', () => report(bytes));
  });
  server.on('tlsClientError', () => report(0));
  return { url: await listen(server), nextClose };
}

function pinError(code: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof PinError, `expected PinError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

describe('fetchPinned / fetchMutual', { timeout: 20_000 }, () => {
  let root: string;
  let hubCa: CertificateAuthority;
  let otherCa: CertificateAuthority;
  let hubTls: { certPem: string; keyPem: string };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'outpost-pin-'));
    hubCa = await loadOrCreateCa({ dataDir: join(root, 'hub'), kek: randomBytes(32) });
    otherCa = await loadOrCreateCa({ dataDir: join(root, 'other'), kek: randomBytes(32) });
    const leaf = await hubCa.issueServerCert({ hostnames: ['localhost'], ips: ['127.0.0.1'] });
    hubTls = { certPem: leaf.certPem + hubCa.certPem, keyPem: leaf.keyPem };
  });
  after(async () => {
    for (const s of servers) {
      if ('closeAllConnections' in s) s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await rm(root, { recursive: true, force: true });
  });

  it('talks to a server whose chain holds the pinned CA', async () => {
    const received: string[] = [];
    const url = await listen(
      createHttpsServer({ cert: hubTls.certPem, key: hubTls.keyPem }, (req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          received.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
          res.writeHead(201).end(`got ${body}`);
        });
      }),
    );
    const pin = hubCa.fingerprint.toUpperCase().match(/../g)?.join(':') ?? '';
    const res = await fetchPinned(`${url}/api/v1/enroll`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
      caFingerprint: pin,
    });
    assert.deepEqual(res, { status: 201, body: 'got {"a":1}' });
    assert.deepEqual(received, ['POST /api/v1/enroll application/json {"a":1}']);
  });

  it('refuses a server from another CA before sending a single byte', async () => {
    const leaf = await otherCa.issueServerCert({ hostnames: ['localhost'], ips: ['127.0.0.1'] });
    const { url, nextClose } = await byteCountingServer(leaf.certPem + otherCa.certPem, leaf.keyPem);
    await assert.rejects(
      fetchPinned(url, { method: 'POST', body: 'secret token', caFingerprint: hubCa.fingerprint }),
      pinError('ca_pin_mismatch'),
    );
    assert.equal(await nextClose, 0);
  });

  it('refuses a server that does not present the pinned CA in its chain', async () => {
    const leaf = await hubCa.issueServerCert({ hostnames: ['localhost'], ips: ['127.0.0.1'] });
    const { url, nextClose } = await byteCountingServer(leaf.certPem, leaf.keyPem);
    await assert.rejects(
      fetchPinned(url, { method: 'POST', body: 'x', caFingerprint: hubCa.fingerprint }),
      pinError('ca_pin_mismatch'),
    );
    assert.equal(await nextClose, 0);
  });

  it('refuses a device certificate of the same CA posing as the hub', async () => {
    const { privateKeyPem, csrPem } = await createKeyAndCsr('127.0.0.1');
    const device = await hubCa.signDeviceCsr(csrPem, '127.0.0.1');
    const { url, nextClose } = await byteCountingServer(device.certPem + hubCa.certPem, privateKeyPem);
    await assert.rejects(
      fetchPinned(url, { method: 'POST', body: 'x', caFingerprint: hubCa.fingerprint }),
      pinError('server_cert_invalid'),
    );
    assert.equal(await nextClose, 0);
  });

  it('refuses a hub certificate issued for another host name', async () => {
    const leaf = await hubCa.issueServerCert({ hostnames: ['hub.example'], ips: [] });
    const { url, nextClose } = await byteCountingServer(leaf.certPem + hubCa.certPem, leaf.keyPem);
    await assert.rejects(fetchPinned(url, { caFingerprint: hubCa.fingerprint }), pinError('server_cert_invalid'));
    assert.equal(await nextClose, 0);
  });

  it('rejects a malformed pin and gives up on a silent server', async () => {
    await assert.rejects(fetchPinned('https://127.0.0.1:1/', { caFingerprint: 'abc' }), /64 hex characters/);
    await assert.rejects(fetchPinned('http://127.0.0.1:1/', { caFingerprint: hubCa.fingerprint }), /only https/);
    // Reads (so it sees the client leave) but never answers the TLS ClientHello.
    const url = await listen(createNetServer((socket) => socket.on('error', () => undefined).resume()));
    await assert.rejects(fetchPinned(url, { caFingerprint: hubCa.fingerprint, timeoutMs: 200 }), /timed out/);
  });

  it('authenticates with the device certificate once enrolled', async () => {
    const { privateKeyPem, csrPem } = await createKeyAndCsr('dev-m');
    const device = await hubCa.signDeviceCsr(csrPem, 'dev-m');
    const identity = { certPem: device.certPem, privateKeyPem, caPem: hubCa.certPem };
    const url = await listen(
      createHttpsServer(
        { cert: hubTls.certPem, key: hubTls.keyPem, ca: hubCa.certPem, requestCert: true, rejectUnauthorized: true },
        (req, res) => {
          res.end(`hello ${String((req.socket as TLSSocket).getPeerCertificate().subject.CN)}`);
        },
      ),
    );
    assert.deepEqual(await fetchMutual(`${url}/api/v1/device/ping`, { identity }), {
      status: 200,
      body: 'hello dev-m',
    });
    const stranger = await otherCa.issueServerCert({ hostnames: ['localhost'], ips: ['127.0.0.1'] });
    const strangerUrl = await listen(
      createHttpsServer({ cert: stranger.certPem + otherCa.certPem, key: stranger.keyPem }, (_req, res) =>
        res.end('no'),
      ),
    );
    await assert.rejects(fetchMutual(strangerUrl, { identity }), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });
});
