import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type OutpostClient } from '@outpost/client';
import { SITES, enrollFleet } from '@outpost/sim';
import { root, startHubProcess, type HubProcess } from './support.js';

export const ADMIN_PASSWORD = 'bench-admin-password';

/**
 * Enrolling 10,000 identities is done once: the enrolled hub's data directory is kept as a
 * template under bench/.cache and copied for every run, so each run starts a hub on a fresh
 * copy whose CA and issued-certificate registry match the cached device identities.
 */
export async function fleetDataDir(
  devices: number,
  log: (m: string) => void,
): Promise<{ dataDir: string; identities: string; caFingerprint: string; enrolledNow: number; enrollS: number }> {
  const cache = join(root, 'bench', '.cache', `fleet-${devices}`);
  const template = join(cache, 'data');
  const identities = join(cache, 'identities');
  let enrolledNow = 0;
  let enrollS = 0;
  if (!existsSync(join(template, 'outpost.db'))) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    log(`enrolling ${devices} identities once (cached in ${cache})`);
    const hub = await startHubProcess(template);
    const admin = await adminClient(hub);
    const tokens: Record<string, string> = {};
    let fp = '';
    for (const site of SITES) {
      const t = await admin.enrollment.createToken({ label: `bench ${site}`, maxUses: devices, tags: { site } });
      tokens[site] = t.token;
      fp = t.caFingerprint;
    }
    const t0 = performance.now();
    const r = await enrollFleet({
      hubUrl: hub.httpUrl,
      caFingerprint: fp,
      tokenFor: (p) => tokens[p.site],
      devices,
      cacheDir: identities,
      enrollConcurrency: 16,
      onProgress: (_p, done, total) => done % 1000 === 0 && log(`enrolled ${done}/${total}`),
    });
    enrollS = (performance.now() - t0) / 1000;
    enrolledNow = r.enrolled;
    await hub.stop();
  }
  const dataDir = join(mkdtempSync(join(tmpdir(), 'outpost-bench-')), 'data');
  cpSync(template, dataDir, { recursive: true });
  chmodSync(dataDir, 0o700);
  // The KEK lives beside the data directory, not in it: the copy needs its own.
  if (existsSync(`${template}.kek`)) cpSync(`${template}.kek`, `${dataDir}.kek`);
  const { readFileSync } = await import('node:fs');
  const { createHash, X509Certificate } = await import('node:crypto');
  const caFingerprint = createHash('sha256')
    .update(new X509Certificate(readFileSync(join(dataDir, 'pki', 'ca.crt'))).raw)
    .digest('hex');
  return { dataDir, identities, caFingerprint, enrolledNow, enrollS };
}

export async function adminClient(hub: HubProcess): Promise<OutpostClient> {
  const { session } = await createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem }).login('admin', ADMIN_PASSWORD);
  return createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });
}

export async function countOnline(admin: OutpostClient): Promise<number> {
  return (await admin.devices.list({ filter: 'online', limit: 1, count: true })).total ?? 0;
}
