// One identity-minting process of the scale benchmark: signs the device certificates of its range
// with the hub CA (each device its own P-256 key; scale-cert-template.ts) and writes every identity
// of the range in the layout an enrolled agent keeps. Driven over IPC by `mintFleet`.
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCsr, toPem } from '../packages/agent/src/identity/csr.js';
import { CA_KEY_AAD, loadOrCreateCa } from '../packages/hub/src/domains/pki/ca.js';
import { decryptWithKek } from '../packages/hub/src/platform/kek-seal.js';
import { certTemplate } from './scale-cert-template.js';
import { assignedBroker } from '../packages/hub/src/mqtt/external-brokers.js';
import { defaultKekPath } from '../packages/hub/src/domains/pki/kek.js';

export interface MintRequest {
  dataDir: string;
  /** `<identities>/<fingerprint prefix>/sim-…`, the folder the simulator reads. */
  base: string;
  caFingerprint: string;
  httpUrl: string;
  /** Device URLs of the brokers, in the hub's OUTPOST_BROKERS order. */
  brokerUrls: string[];
  from: number;
  to: number;
}

export type MintReply = { type: 'progress'; minted: number; reused: number } | { type: 'failed'; error: string };

export const simId = (i: number) => `sim-${String(i).padStart(5, '0')}`;
const reply = (m: MintReply) => process.send!(m);

async function mint(r: MintRequest) {
  const kek = readFileSync(defaultKekPath(r.dataDir));
  const ca = await loadOrCreateCa({ dataDir: r.dataDir, kek });
  const caPem = readFileSync(join(r.dataDir, 'pki', 'ca.crt'), 'utf8');
  const newKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // One certificate the hub's way; the rest from its TBSCertificate (scale-cert-template.ts).
  const t = newKey();
  const csr = toPem(buildCsr('sim-template', t.privateKey, t.publicKey), 'CERTIFICATE REQUEST');
  const caKey = createPrivateKey({
    key: decryptWithKek(kek, readFileSync(join(r.dataDir, 'pki', 'ca.key.enc')), CA_KEY_AAD),
    format: 'der',
    type: 'pkcs8',
  });
  const template = certTemplate((await ca.signDeviceCsr(csr, 'sim-template')).certPem, caKey);
  const caCert = new X509Certificate(caPem);
  let minted = 0;
  let reused = 0;
  for (let i = r.from; i <= r.to; i++) {
    const deviceId = simId(i);
    const dir = join(r.base, deviceId);
    if (existsSync(join(dir, 'credentials.pem'))) {
      reused++;
    } else {
      const { privateKey, publicKey } = newKey();
      const certPem = template.issue(deviceId, publicKey.export({ type: 'spki', format: 'der' }));
      // The first of each process is checked as the broker will: issued by the CA, signature valid.
      if (minted === 0) {
        const c = new X509Certificate(certPem);
        if (!c.checkIssued(caCert) || !c.verify(caCert.publicKey) || !c.subject.includes(deviceId))
          throw new Error(`the certificate made for ${deviceId} does not verify against the CA`);
      }
      const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      // Written without the agent's per-file fsync (a throw-away fleet: 300,000 fsyncs would time the disk).
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'credentials.pem'), `${certPem.trim()}\n${keyPem.trim()}\n`, { mode: 0o600 });
      writeFileSync(join(dir, 'ca.crt'), caPem);
      minted++;
    }
    // The hub's ports differ every run: the addresses are written again, the keys and certificates kept.
    const mqttUrl = r.brokerUrls[assignedBroker(deviceId, r.brokerUrls.length)];
    const meta = { deviceId, mqttUrl, httpUrl: r.httpUrl, caFingerprint: r.caFingerprint };
    writeFileSync(join(dir, 'identity.json'), JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 });
    if ((minted + reused) % 2048 === 0 || i === r.to) reply({ type: 'progress', minted, reused });
  }
}

process.once('message', (r: MintRequest) => {
  mint(r).then(
    () => process.disconnect(),
    (err: Error) => {
      reply({ type: 'failed', error: err.message });
      process.disconnect();
    },
  );
});
process.on('disconnect', () => process.exit(0));
