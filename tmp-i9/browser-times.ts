import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlite, versionKey } from '@outpost/hub';
import { startTestHub } from '../packages/hub/test/support/test-hub.js';
import { launch, openPage, signIn } from '../packages/console/test/support/browser.js';
const dir = mkdtempSync(join(tmpdir(), 'outpost-scale-'));
const db = await openSqlite(dir);
const now = new Date().toISOString();
await sql`WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < 99999)
  INSERT INTO devices (id, name, model, firmware, firmware_key, presence, enrolled_at, last_seen_at, decommissioned, health_interval_s)
  SELECT printf('seed-%06d', j), 'device ' || j, 'gw-200', '1.9.0', ${versionKey('1.9.0')}, CASE WHEN j % 3 = 0 THEN 'offline' ELSE 'online' END, ${now}, ${now}, 0, 30 FROM n`.execute(db);
await db.destroy();
const t = await startTestHub({}, dir);
const b = await launch();
const { page } = await openPage(b);
const base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
await signIn(page, base, 'admin', 'admin-password-for-tests');
await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
await page.waitForTimeout(1000);
for (let i = 0; i < 4; i++) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
  await page.waitForTimeout(500);
  await page.evaluate(() => performance.clearResourceTimings());
  const t0 = performance.now();
  await page.evaluate(() => { (window as unknown as { t0: number }).t0 = performance.now(); });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
  await page.locator('[data-testid=devices-table][data-loading=false] tbody tr').first().waitFor();
  const wall = performance.now() - t0;
  const r = await page.evaluate(() => { const t0 = (window as unknown as { t0: number }).t0; return { now: performance.now() - t0, res: performance.getEntriesByType('resource').map((e) => `${e.name.replace(/^.*\/api/, '')} start ${Math.round(e.startTime - t0)} end ${Math.round((e as PerformanceResourceTiming).responseEnd - t0)}`) }; });
  console.log(Math.round(wall), Math.round(r.now), r.res);
}
await b.close();
await t.stop();
