import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlite, versionKey } from '@outpost/hub';
import { startTestHub } from '../packages/hub/test/support/test-hub.js';
const dir = mkdtempSync(join(tmpdir(), 'outpost-scale-'));
const db = await openSqlite(dir);
const now = new Date().toISOString();
await sql`WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < 99999)
  INSERT INTO devices (id, name, model, firmware, firmware_key, presence, enrolled_at, last_seen_at, decommissioned, health_interval_s)
  SELECT printf('seed-%06d', j), 'device ' || j, 'gw-200', '1.9.0', ${versionKey('1.9.0')}, CASE WHEN j % 3 = 0 THEN 'offline' ELSE 'online' END, ${now}, ${now}, 0, 30 FROM n`.execute(db);
await sql`WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < 99999) INSERT INTO device_tags (device_id, key, value) SELECT printf('seed-%06d', j), 'site', 'north' FROM n`.execute(db);
await db.destroy();
const t = await startTestHub({}, dir);
const a = t.admin;
const time = async (name: string, f: () => Promise<unknown>) => { for (let i = 0; i < 3; i++) { const s = performance.now(); await f(); console.log(name, Math.round(performance.now() - s)); } };
await time('list', () => a.devices.list({ limit: 50 }));
await time('count', () => a.devices.list({ limit: 1, count: true }));
await time('list filter', () => a.devices.list({ limit: 50, filter: 'tag.site = "north" and model = "gw-200" and firmware < "2.1.0" and online' }));
await time('count filter', () => a.devices.list({ limit: 1, count: true, filter: 'tag.site = "north" and model = "gw-200" and firmware < "2.1.0" and online' }));
await time('summary', () => a.fleet.summary());
await time('trend', () => a.fleet.presenceTrend(24));
await time('audit', () => a.audit.list({ limit: 8 }));
await time('compliance', () => a.compliance.summary());
await t.stop();
