// Test support: an in-memory SQLite database with the device tables and a seeded fleet.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { compileFilter } from './filter-compiler.js';
import { groupPathCondition } from '../../groups/index.js';
import { collectGroups } from './filter-groups.js';
import { parseFilter } from './filter-parser.js';
import type { CompileResult, FilterGroupRow } from './filter.types.js';
import { versionKey } from '@outpost/protocol';

export interface DeviceRow {
  id: string;
  name: string;
  serial: string | null;
  model: string | null;
  firmware: string | null;
  firmware_key: string | null;
  agent_version: string | null;
  agent_version_key: string | null;
  location: string | null;
  ip: string | null;
  presence: string;
  last_seen_at: string | null;
  enrolled_at: string;
  cert_expires_at: string | null;
  decommissioned: number;
}

export interface TestTables {
  devices: DeviceRow;
  device_tags: { device_id: string; key: string; value: string };
  groups: { id: string; kind: string; path: string; filter: string | null };
  group_members: { group_id: string; device_id: string };
  device_cellular: CellRow;
  device_data_latest: DataLatestRow;
}

/** A row of `device_data_latest`. */
export interface DataLatestRow {
  device_id: string;
  point: string;
  kind: string;
  num: number | null;
  text: string | null;
  quality: string;
  ts: number;
}

/** The columns of `device_cellular` the filter reads. */
export interface CellRow {
  device_id: string;
  carrier: string | null;
  iccid: string | null;
  imei: string | null;
  rat: string | null;
  rsrp: number | null;
  roaming: number;
  lat: number | null;
  lon: number | null;
}

export type TestDb = Kysely<TestTables>;

const DDL = `
CREATE TABLE devices (id TEXT PRIMARY KEY, name TEXT NOT NULL, serial TEXT, model TEXT, firmware TEXT,
  firmware_key TEXT, agent_version TEXT, agent_version_key TEXT, location TEXT, ip TEXT,
  presence TEXT NOT NULL DEFAULT 'never_seen', presence_changed_at TEXT, last_seen_at TEXT,
  enrolled_at TEXT NOT NULL, cert_serial TEXT, cert_expires_at TEXT, decommissioned INTEGER NOT NULL DEFAULT 0);
CREATE INDEX devices_model ON devices (model, id);
CREATE INDEX devices_firmware_key ON devices (firmware_key, id);
CREATE INDEX devices_presence ON devices (presence, id);
CREATE INDEX devices_last_seen_at ON devices (last_seen_at, id);
CREATE TABLE device_tags (device_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (device_id, key));
CREATE INDEX device_tags_kv ON device_tags (key, value, device_id);
CREATE TABLE groups (id TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL UNIQUE, filter TEXT);
CREATE TABLE group_members (group_id TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (group_id, device_id));
CREATE INDEX group_members_device ON group_members (device_id);
CREATE TABLE device_cellular (device_id TEXT PRIMARY KEY, updated_at TEXT NOT NULL DEFAULT '', carrier TEXT,
  mcc TEXT, mnc TEXT, iccid TEXT, imsi TEXT, imei TEXT, rat TEXT, rsrp REAL, rsrq REAL, snr REAL,
  roaming INTEGER NOT NULL DEFAULT 0, apn TEXT, modem_state TEXT, lat REAL, lon REAL, fix_at TEXT, accuracy_m REAL,
  modems_json TEXT NOT NULL DEFAULT '[]');
CREATE INDEX device_cellular_lat_lon ON device_cellular (lat, lon);
CREATE TABLE device_data_latest (device_id TEXT NOT NULL, point TEXT NOT NULL, kind TEXT NOT NULL, num REAL,
  text TEXT, quality TEXT NOT NULL, ts BIGINT NOT NULL, PRIMARY KEY (device_id, point));
`;

export function openTestDb(): TestDb {
  const raw = new Database(':memory:');
  raw.exec(DDL);
  return new Kysely<TestTables>({ dialect: new SqliteDialect({ database: raw }) });
}

export interface SeedDevice {
  id: string;
  name?: string;
  model?: string | null;
  firmware?: string | null;
  agent?: string | null;
  presence?: 'online' | 'offline' | 'never_seen';
  lastSeenHoursAgo?: number | null;
  certDays?: number | null;
  enrolledAt?: string;
  decommissioned?: boolean;
  tags?: Record<string, string>;
}

export function deviceRow(d: SeedDevice, now: Date): DeviceRow {
  const at = (ms: number): string => new Date(now.getTime() + ms).toISOString();
  const firmware = d.firmware === undefined ? '1.0.0' : d.firmware;
  const agent = d.agent ?? null;
  return {
    id: d.id,
    name: d.name ?? d.id,
    serial: null,
    model: d.model === undefined ? 'gw-100' : d.model,
    firmware,
    firmware_key: firmware === null ? null : versionKey(firmware),
    agent_version: agent,
    agent_version_key: agent === null ? null : versionKey(agent),
    location: null,
    ip: null,
    presence: d.presence ?? 'never_seen',
    last_seen_at: d.lastSeenHoursAgo == null ? null : at(-d.lastSeenHoursAgo * 3600e3),
    enrolled_at: d.enrolledAt ?? '2025-05-20T00:00:00.000Z',
    cert_expires_at: d.certDays == null ? null : at(d.certDays * 86400e3),
    decommissioned: d.decommissioned ? 1 : 0,
  };
}

/** Loads groups the way a store would, through `groupPathCondition`. */
export function groupLoader(db: TestDb): (paths: string[]) => Promise<FilterGroupRow[]> {
  return async (paths) => {
    const rows = await db
      .selectFrom('groups')
      .select(['id', 'kind', 'path', 'filter'])
      .where(groupPathCondition(paths))
      .execute();
    return rows.map((r) => ({ ...r, kind: r.kind === 'dynamic' ? 'dynamic' : 'static' }));
  };
}

/** Parse, load the referenced groups, compile: the whole two-step flow. */
export async function compileWithDb(db: TestDb, text: string, now: Date): Promise<CompileResult> {
  const parsed = parseFilter(text);
  if (!parsed.ok) return parsed;
  const groups = await collectGroups(parsed.ast, groupLoader(db));
  return compileFilter(parsed.ast, { groups, now });
}

/** The sorted ids of the devices a filter selects; fails loudly on a filter error. */
export async function matchingIds(db: TestDb, text: string, now: Date): Promise<string[]> {
  const compiled = await compileWithDb(db, text, now);
  if (!compiled.ok) throw new Error(`filter "${text}" failed: ${compiled.error.message}`);
  const rows = await db.selectFrom('devices').select('id').where(compiled.sql).orderBy('id').execute();
  return rows.map((r) => r.id);
}
