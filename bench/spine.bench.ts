import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@outpost/client';
import { startSimulation } from '@outpost/sim';
import { startHubProcess, type Row } from './support.js';

/** Enrolls and connects N simulated devices to a hub in its own process; reports times and hub memory. */
export async function connectScenario(devices: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-connect-'));
  const hub = await startHubProcess(join(dir, 'data'));
  const rssIdle = hub.rssMb();
  const anon = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem });
  const { session } = await anon.login('admin', 'bench-admin-password');
  const admin = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });
  const tok = await admin.enrollment.createToken({ label: 'bench', maxUses: devices });
  const t0 = performance.now();
  let enrolledAt = 0;
  const sim = await startSimulation({
    hubUrl: hub.httpUrl,
    caFingerprint: tok.caFingerprint,
    token: tok.token,
    devices,
    cacheDir: join(dir, 'identities'),
    healthIntervalS: 30,
    rampMs: 0,
    enrollConcurrency: 16,
    onProgress: (phase, done, total) => {
      if (phase === 'enroll' && done === total) enrolledAt = performance.now();
    },
  });
  if (!enrolledAt) enrolledAt = performance.now();
  for (;;) {
    const n = (await admin.devices.list({ filter: 'online', limit: 1, count: true })).total ?? 0;
    if (n >= devices) break;
    if (performance.now() - t0 > 600_000) throw new Error(`only ${n} online after 10 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const online = performance.now();
  await new Promise((r) => setTimeout(r, 3000));
  const rss = hub.rssMb();
  await sim.stop({ clean: false });
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
  return [
    { scenario: `connect ${devices}`, metric: 'enroll all (16 in parallel)', value: (enrolledAt - t0) / 1000, unit: 's' },
    { scenario: `connect ${devices}`, metric: 'connect until all online', value: (online - enrolledAt) / 1000, unit: 's' },
    { scenario: `connect ${devices}`, metric: 'hub RSS idle', value: rssIdle, unit: 'MB' },
    { scenario: `connect ${devices}`, metric: 'hub RSS all online', value: rss, unit: 'MB' },
    { scenario: `connect ${devices}`, metric: 'memory per connected device', value: ((rss - rssIdle) * 1024) / devices, unit: 'KB' },
  ];
}
