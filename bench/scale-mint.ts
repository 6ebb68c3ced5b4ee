// Device identities for the scale benchmark, made without the enrollment API: enrollment goes
// one device at a time through the audit chain (about 8 devices/s on the loaded 2-core machine, so
// 100,000 would take hours). Here the hub's own CA signs one CSR per device name (every device
// shares one P-256 key: the broker's TLS work per handshake is the same), the identity files are
// written as an enrolled agent keeps them, and the inventory rows are inserted with one
// INSERT … SELECT generate_series.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { saveIdentity } from '@outpost/agent';
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
  for (let i = 1; i <= o.count; i++) {
    const deviceId = id(i);
    const csrPem = toPem(buildCsr(deviceId, privateKey, publicKey), 'CERTIFICATE REQUEST');
    const issued = await ca.signDeviceCsr(csrPem, deviceId);
    await saveIdentity(join(base, deviceId), {
      deviceId,
      privateKeyPem,
      certPem: issued.certPem,
      caPem,
      mqttUrl: o.mqttUrlOf(deviceId),
      httpUrl: o.httpUrl,
      caFingerprint: o.caFingerprint,
    });
    if (i % 5000 === 0) o.onProgress?.(i);
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
