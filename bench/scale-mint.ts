// Device identities for the scale benchmark, made without the enrollment API: enrollment goes
// one device at a time through the audit chain (about 8 devices/s on the loaded 2-core machine, so
// 100,000 would take hours). Here the hub's own CA signs one CSR per device (each its own P-256
// key), in worker processes; the identity files are written in the layout an enrolled agent keeps
// (credentials.pem, ca.crt, identity.json) and kept between runs under the CA's fingerprint, so a
// run on the same CA only writes the addresses again. The inventory rows are inserted with one
// INSERT … SELECT generate_series.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { MintReply, MintRequest } from './scale-mint-worker.js';

export interface Minted {
  /** Certificates signed by this run. */
  minted: number;
  /** Identities found from an earlier run on the same CA. */
  reused: number;
  /** Signing and writing the identity files. */
  identitiesS: number;
  /** Inserting the devices into the database. */
  inventoryS: number;
}

/** Writes identities `sim-1`… `sim-<count>` into `<identities>/<fingerprint prefix>/` and the devices into the database. */
export async function mintFleet(o: {
  dataDir: string;
  databaseUrl: string;
  identities: string;
  caFingerprint: string;
  httpUrl: string;
  /** Device URLs of the brokers, in the hub's OUTPOST_BROKERS order (a device dials `assignedBroker`'s). */
  brokerUrls: string[];
  count: number;
  /** The devices' health interval (their hello says it too); the presence sweep counts from it. */
  healthIntervalS: number;
  /** The first identity to make (an earlier one is left as it is); 1 by default. */
  from?: number;
  procs: number;
  onProgress?: (minted: number, reused: number) => void;
}): Promise<Minted> {
  const t0 = performance.now();
  const script = fileURLToPath(new URL('./scale-mint-worker.ts', import.meta.url));
  const start = o.from ?? 1;
  const share = Math.ceil((o.count - start + 1) / o.procs);
  const progress = Array.from({ length: o.procs }, () => ({ minted: 0, reused: 0 }));
  const total = () => progress.reduce((n, p) => ({ minted: n.minted + p.minted, reused: n.reused + p.reused }));
  await Promise.all(
    progress.map(
      (p, w) =>
        new Promise<void>((resolve, reject) => {
          const from = start + w * share;
          const to = Math.min(o.count, from + share - 1);
          if (to < from) return resolve();
          const child = fork(script, [], {
            execArgv: ['--import', 'tsx', '--conditions=source'],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          let failed = '';
          child.on('message', (m: MintReply) => {
            if (m.type === 'failed') failed = m.error;
            else {
              Object.assign(p, { minted: m.minted, reused: m.reused });
              const t = total();
              o.onProgress?.(t.minted, t.reused);
            }
          });
          child.once('exit', (code) =>
            failed || code ? reject(new Error(`minting ${from}-${to}: ${failed || `exit ${code}`}`)) : resolve(),
          );
          child.send({
            dataDir: o.dataDir,
            base: join(o.identities, o.caFingerprint.slice(0, 16)),
            caFingerprint: o.caFingerprint,
            httpUrl: o.httpUrl,
            brokerUrls: o.brokerUrls,
            from,
            to,
          } satisfies MintRequest);
        }),
    ),
  );
  const identitiesS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO devices (id, name, presence, enrolled_at, decommissioned, health_interval_s)
       SELECT n, n, 'offline', $1, 0, $3 FROM (SELECT 'sim-' || lpad(i::text, greatest(5, length(i::text)), '0') AS n
         FROM generate_series(1, $2::int) AS g(i)) AS s`,
      [new Date().toISOString(), o.count, o.healthIntervalS],
    );
    await db.query('ANALYZE devices');
  } finally {
    await db.end();
  }
  return { ...total(), identitiesS, inventoryS: (performance.now() - t1) / 1000 };
}
