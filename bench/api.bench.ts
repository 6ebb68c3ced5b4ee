import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@outpost/client';
import { openHubDatabase } from '@outpost/hub';
import { versionKey } from '@outpost/protocol';
import { fileURLToPath } from 'node:url';
import { emitRows, startHubProcess, timeConcurrentRequests, type Row } from './support.js';

const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];
const FIRMWARE = ['1.9.0', '2.0.3', '2.1.0', '2.1.4', '3.5.0'];
const SITES = ['north', 'south', 'east', 'west'];

/** Seeds the inventory straight into the database, the way a migration from another tool would. */
async function seed(dataDir: string, n: number) {
  const db = await openHubDatabase(dataDir);
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i += 500) {
      const batch = Array.from({ length: Math.min(500, n - i) }, (_, k) => i + k);
      await trx
        .insertInto('devices')
        .values(
          batch.map((j) => ({
            id: `seed-${String(j).padStart(6, '0')}`,
            name: `device ${j}`,
            model: MODELS[j % 4],
            firmware: FIRMWARE[j % 5],
            firmware_key: versionKey(FIRMWARE[j % 5]),
            presence: j % 3 === 0 ? 'offline' : 'online',
            enrolled_at: now,
            last_seen_at: now,
            decommissioned: 0,
            health_interval_s: 30,
          })),
        )
        .execute();
      await trx
        .insertInto('device_tags')
        .values(
          batch.map((j) => ({ device_id: `seed-${String(j).padStart(6, '0')}`, key: 'site', value: SITES[j % 4] })),
        )
        .execute();
    }
  });
  await db.destroy();
}

/** Latency of a filtered, sorted, paginated device list and of a device detail over a seeded inventory. */
export async function apiScenario(devices: number, requests: number, concurrency: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-api-'));
  await seed(join(dir, 'data'), devices);
  const hub = await startHubProcess(join(dir, 'data'));
  const anon = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem });
  const { session } = await anon.login('admin', 'bench-admin-password');
  const admin = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });
  const filter = 'tag.site = "north" and model = "gw-200" and firmware < "2.1.0" and online';
  const measure = (request: (i: number) => Promise<unknown>) => timeConcurrentRequests(requests, concurrency, request);
  await measure(() => admin.devices.list({ filter, limit: 50 }));
  const list = await measure(() => admin.devices.list({ filter, sort: 'last_seen', order: 'desc', limit: 50 }));
  const detail = await measure((i) => admin.devices.get(`seed-${String((i * 7919) % devices).padStart(6, '0')}`));
  const matched = (await admin.devices.list({ filter, limit: 1, count: true })).total;
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
  const s = `api ${devices} devices, ${concurrency} concurrent`;
  return [
    { scenario: s, metric: `filtered list (${matched} match), p50`, value: list.p50, unit: 'ms' },
    { scenario: s, metric: 'filtered list p99', value: list.p99, unit: 'ms' },
    { scenario: s, metric: 'device detail p50', value: detail.p50, unit: 'ms' },
    { scenario: s, metric: 'device detail p99', value: detail.p99, unit: 'ms' },
  ];
}

// Run on its own (`node --import tsx bench/api.bench.ts --inventory 100000 --requests 2000`), as
// `npm run bench` does: a load generator sharing a heap with 10,000 simulated agents measures its
// own garbage collection in the tail.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag: string, dflt: number) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  emitRows(await apiScenario(arg('--inventory', 100_000), arg('--requests', 2000), arg('--concurrency', 4)));
  process.exit(0);
}
