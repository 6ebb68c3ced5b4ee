// One identity-minting process of the scale benchmark: signs the device certificates of its range
// with the hub CA (each device its own P-256 key) and writes every identity of the range in the
// layout an enrolled agent keeps. Driven over IPC by `mintFleet`.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCsr, toPem } from '../packages/agent/src/identity/csr.js';
import { loadOrCreateCa } from '../packages/hub/src/domains/pki/ca.js';
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
  const ca = await loadOrCreateCa({ dataDir: r.dataDir, kek: readFileSync(defaultKekPath(r.dataDir)) });
  const caPem = readFileSync(join(r.dataDir, 'pki', 'ca.crt'), 'utf8');
  let minted = 0;
  let reused = 0;
  const BATCH = 32;
  for (let from = r.from; from <= r.to; from += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, r.to - from + 1) }, (_, k) => simId(from + k));
    // Signed a batch at a time (WebCrypto works on the thread pool); written without the agent's
    // per-file fsync (a throw-away fleet: 300,000 fsyncs would time the disk, not the hub).
    await Promise.all(
      ids.map(async (deviceId) => {
        const dir = join(r.base, deviceId);
        if (existsSync(join(dir, 'credentials.pem'))) {
          reused++;
        } else {
          const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
          const csr = toPem(buildCsr(deviceId, privateKey, publicKey), 'CERTIFICATE REQUEST');
          const issued = await ca.signDeviceCsr(csr, deviceId);
          const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          writeFileSync(join(dir, 'credentials.pem'), `${issued.certPem.trim()}\n${keyPem.trim()}\n`, { mode: 0o600 });
          writeFileSync(join(dir, 'ca.crt'), caPem);
          minted++;
        }
        // The hub's ports differ every run: the addresses are written again, the keys and certificates kept.
        const mqttUrl = r.brokerUrls[assignedBroker(deviceId, r.brokerUrls.length)];
        const meta = { deviceId, mqttUrl, httpUrl: r.httpUrl, caFingerprint: r.caFingerprint };
        writeFileSync(join(dir, 'identity.json'), JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 });
      }),
    );
    if ((minted + reused) % 2048 < BATCH || from + BATCH > r.to) reply({ type: 'progress', minted, reused });
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
