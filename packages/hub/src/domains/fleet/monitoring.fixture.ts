// Test support: a real hub database (every migration) in a temp directory, a settable clock,
// devices written straight into the inventory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock, type ManualClock } from '../../platform/manual-clock.js';
import type { Db } from '../../storage/database.js';
import { openHubDatabase as openSqlite } from '../hub-modules.js';
import type { DevicesTable } from '../devices/devices.tables.js';
import { createLogger } from '../../platform/logger.js';
import { createAuditLog } from '../audit/index.js';
import { createDeviceSelector } from '../devices/index.js';
import { createGroupsStore } from '../groups/groups.store.js';

/** A manual clock at a fixed Monday morning: time moves only when a test advances it. */
export function testClock(start = Date.parse('2026-03-02T10:00:00Z')): ManualClock {
  return createManualClock(start);
}

export async function testDb() {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mon-'));
  const db = await openSqlite(dir);
  return {
    db,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const silent = createLogger('silent');

export function deps(db: Db, clock: ReturnType<typeof testClock>) {
  return {
    selector: createDeviceSelector({ groups: createGroupsStore(db), clock }),
    audit: createAuditLog({ db, clock }),
  };
}

/** Inserts `n` devices `dev-001…`, each row adjusted by `patch`. */
export async function seedDevices(
  db: Db,
  n: number,
  patch: (i: number) => Partial<DevicesTable> = () => ({}),
  at = '2026-01-01T00:00:00.000Z',
) {
  const rows: DevicesTable[] = [];
  for (let i = 1; i <= n; i++) {
    rows.push({
      id: `dev-${String(i).padStart(3, '0')}`,
      name: `Device ${i}`,
      serial: null,
      model: 'gw-200',
      firmware: '2.1.0',
      firmware_key: null,
      agent_version: null,
      agent_version_key: null,
      location: null,
      ip: null,
      presence: 'online',
      presence_changed_at: at,
      last_seen_at: at,
      enrolled_at: at,
      cert_serial: null,
      cert_expires_at: '2027-01-01T00:00:00.000Z',
      decommissioned: 0,
      hello_json: null,
      health_json: null,
      health_at: null,
      health_interval_s: 30,
      stale_at: null,
      ...patch(i),
    });
  }
  for (let k = 0; k < rows.length; k += 200)
    await db
      .insertInto('devices')
      .values(rows.slice(k, k + 200))
      .execute();
  return rows.map((r) => r.id);
}
