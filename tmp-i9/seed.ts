import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, versionKey } from '@outpost/hub';
import { createLiveStore } from '../packages/hub/src/domains/live/live.store.js';
const dir = mkdtempSync(join(tmpdir(), 'seed-'));
let t = Date.now();
const db = await openSqlite(dir);
console.log('migrate', Date.now() - t); t = Date.now();
const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];
const FIRMWARE = ['1.9.0', '2.0.3', '2.1.0', '2.1.4', '3.5.0'];
const SITES = ['north', 'south', 'east', 'west'];
const n = 100_000; const now = new Date().toISOString();
await db.transaction().execute(async (trx) => {
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, (_, k) => i + k);
    await trx.insertInto('devices').values(batch.map((j) => ({ id: `seed-${String(j).padStart(6, '0')}`, name: `device ${j}`, model: MODELS[j % 4], firmware: FIRMWARE[j % 5], firmware_key: versionKey(FIRMWARE[j % 5]), presence: j % 3 === 0 ? 'offline' : 'online', enrolled_at: now, last_seen_at: now, decommissioned: 0, health_interval_s: 30 }))).execute();
    await trx.insertInto('device_tags').values(batch.map((j) => ({ device_id: `seed-${String(j).padStart(6, '0')}`, key: 'site', value: SITES[j % 4] }))).execute();
  }
});
console.log('seed', Date.now() - t);
const s = createLiveStore(db);
for (let k = 0; k < 3; k++) { t = Date.now(); await s.presenceCounts(); console.log('counts', Date.now() - t); }
for (let k = 0; k < 2; k++) { t = Date.now(); await s.firmware(20); console.log('firmware', Date.now() - t); }
t = Date.now(); await s.transitionsPerHour(new Date(Date.now() - 86400000).toISOString()); console.log('trend', Date.now() - t);
console.log(dir);
await db.destroy();
