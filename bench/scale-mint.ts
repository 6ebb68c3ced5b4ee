// Device identities for the scale benchmark, made without the enrollment API: enrollment goes
// one device at a time through the audit chain (about 8 devices/s on the loaded 2-core machine, so
// 100,000 would take hours). Here the hub's own CA signs one CSR per device name (every device
// shares one P-256 key: the broker's TLS work per handshake is the same), the identity files are
// written in the layout an enrolled agent keeps (credentials.pem, ca.crt, identity.json), and the inventory rows are inserted with one
// INSERT … SELECT generate_series.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { buildCsr, toPem } from '../packages/agent/src/identity/csr.js';
import { loadOrCreateCa } from '../packages/hub/src/domains/pki/ca.js';
import { defaultKekPath } from '../packages/hub/src/domains/pki/kek.js';

/** Writes identities `sim-<first>`… into `<identities>/<fingerprint prefix>/` and the devices into the database. */
export async function mintFleet(o: {
  dataDir: string;
  databaseUrl: string;
  identities: string;
  caFingerprint: string;
  httpUrl: string;
  /** The device URL of the broker a device is assigned (the hub's `assignedBroker`). */
  mqttUrlOf: (deviceId: string) => string;
  count: number;
  onProgress?: (done: number) => void;
}): Promise<void> {
  const ca = await loadOrCreateCa({ dataDir: o.dataDir, kek: readFileSync(defaultKekPath(o.dataDir)) });
  const caPem = readFileSync(join(o.dataDir, 'pki', 'ca.crt'), 'utf8');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const base = join(o.identities, o.caFingerprint.slice(0, 16));
  const id = (i: number) => `sim-${String(i).padStart(5, '0')}`;
  // Signed 64 at a time (WebCrypto works on the thread pool); written as the agent keeps them, without
  // its per-file fsync (a throw-away fleet: 300,000 fsyncs would time the disk, not the hub).
  for (let from = 1; from <= o.count; from += 64) {
    const batch = Array.from({ length: Math.min(64, o.count - from + 1) }, (_, k) => id(from + k));
    const issued = await Promise.all(
      batch.map((deviceId) =>
        ca.signDeviceCsr(toPem(buildCsr(deviceId, privateKey, publicKey), 'CERTIFICATE REQUEST'), deviceId),
      ),
    );
    batch.forEach((deviceId, k) => {
      const dir = join(base, deviceId);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'credentials.pem'), `${issued[k].certPem.trim()}\n${privateKeyPem.trim()}\n`, {
        mode: 0o600,
      });
      writeFileSync(join(dir, 'ca.crt'), caPem);
      const meta = { deviceId, mqttUrl: o.mqttUrlOf(deviceId), httpUrl: o.httpUrl, caFingerprint: o.caFingerprint };
      writeFileSync(join(dir, 'identity.json'), JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 });
    });
    if (Math.floor((from + 63) / 5000) > Math.floor((from - 1) / 5000)) o.onProgress?.(from + batch.length - 1);
  }
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO devices (id, name, presence, enrolled_at, decommissioned, health_interval_s)
       SELECT n, n, 'offline', $1, 0, 30 FROM (SELECT 'sim-' || lpad(i::text, greatest(5, length(i::text)), '0') AS n
         FROM generate_series(1, $2::int) AS g(i)) AS s`,
      [new Date().toISOString(), o.count],
    );
    await db.query('ANALYZE devices');
  } finally {
    await db.end();
  }
}
