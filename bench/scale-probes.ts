// Two measurements of the scale benchmark that read PostgreSQL directly: the replica failover
// (whose lock connection holds a job's advisory lock) and the device list over a seeded inventory.
import pg from 'pg';
import type { OutpostClient } from '@outpost/client';
import { versionKey } from '@outpost/protocol';
import { timeConcurrentRequests, type HubProcess } from './support.js';
import { localPortsOf } from './scale-cluster.js';

/** The jobs every replica runs each second (brokers, access and reports modules). */
const SECOND_JOBS = ['brokers.moves', 'access.sweep', 'reports.due'];

interface Held {
  job: string;
  port: number;
}

async function heldJobLocks(db: pg.Client): Promise<Held[]> {
  const { rows } = await db.query<{ job: string; port: number }>(
    `SELECT j.name AS job, a.client_port AS port
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       JOIN unnest($1::text[]) AS j(name)
         ON ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('outpost-job:' || j.name, 0)
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1`,
    [SECOND_JOBS],
  );
  return rows;
}

export interface Failover {
  job: string;
  killed: 'a' | 'b';
  /** SIGKILL to the dead replica's lock gone from PostgreSQL. */
  releasedMs: number;
  /** SIGKILL to the surviving replica holding the same job's lock (the job running there). */
  takenOverMs: number;
  survivor: HubProcess;
}

/**
 * Watches the job locks until one replica is seen holding one (its job running), SIGKILLs that
 * replica at once, and times until the other replica runs the same job. Bounded to a minute each.
 */
export async function killJobHolder(databaseUrl: string, replicas: [HubProcess, HubProcess]): Promise<Failover> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const portsOf = replicas.map((r) => localPortsOf(r.proc.pid!));
    const until = Date.now() + 60_000;
    let seen: { held: Held; idx: number } | null = null;
    while (!seen) {
      if (Date.now() > until) throw new Error('no replica was seen running a one-second job within a minute');
      for (const h of await heldJobLocks(db)) {
        const idx = portsOf.findIndex((p) => p.has(h.port));
        if (idx >= 0) seen = { held: h, idx };
      }
    }
    const victim = replicas[seen.idx];
    const survivor = replicas[1 - seen.idx];
    const t0 = performance.now();
    victim.proc.kill('SIGKILL');
    let releasedMs = -1;
    for (;;) {
      if (performance.now() - t0 > 60_000) throw new Error(`${seen.held.job} did not run on the survivor in 60 s`);
      const held = await heldJobLocks(db);
      if (releasedMs < 0 && !held.some((h) => h.port === seen.held.port)) releasedMs = performance.now() - t0;
      const survivorPorts = localPortsOf(survivor.proc.pid!);
      if (held.some((h) => h.job === seen.held.job && survivorPorts.has(h.port)))
        return {
          job: seen.held.job,
          killed: seen.idx === 0 ? 'a' : 'b',
          releasedMs,
          takenOverMs: performance.now() - t0,
          survivor,
        };
    }
  } finally {
    await db.end();
  }
}

const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'];
const FIRMWARE = ['1.9.0', '2.0.3', '2.1.0', '2.1.4', '3.5.0'];
const SITES = ['north', 'south', 'east', 'west'];
const pick = (values: string[]) => `(ARRAY[${values.map((v) => `'${v}'`).join(',')}])[1 + i % ${values.length}]`;

/** Seeds `n` devices and their site tag with one INSERT … SELECT generate_series per table; seconds taken. */
export async function seedInventory(databaseUrl: string, n: number): Promise<number> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const t0 = performance.now();
  try {
    const at = new Date().toISOString();
    const id = `'seed-' || lpad(i::text, 7, '0')`;
    await db.query(
      `INSERT INTO devices (id, name, model, firmware, firmware_key, presence, enrolled_at, last_seen_at,
                            decommissioned, health_interval_s)
       SELECT ${id}, 'device ' || i, ${pick(MODELS)}, ${pick(FIRMWARE)}, ${pick(FIRMWARE.map(versionKey))},
              CASE WHEN i % 3 = 0 THEN 'offline' ELSE 'online' END, $1::text,
              to_char(($1::text::timestamptz - make_interval(secs => i % 86400)) AT TIME ZONE 'UTC',
                      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              0, 30
         FROM generate_series(0, $2::int - 1) AS g(i)`,
      [at, n],
    );
    await db.query(
      `INSERT INTO device_tags (device_id, key, value)
       SELECT ${id}, 'site', ${pick(SITES)} FROM generate_series(0, $1::int - 1) AS g(i)`,
      [n],
    );
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
  return (performance.now() - t0) / 1000;
}

export const LIST_FILTER = 'tag.site = "north" and model = "gw-200" and firmware < "2.1.0" and online';

/**
 * The console's device page: a filtered page sorted by last contact, then the next page by its
 * cursor, `requests` times over `concurrency` callers; and the match count it asks for beside it.
 */
export async function timeDeviceList(admin: OutpostClient, requests: number, concurrency: number) {
  const query = { filter: LIST_FILTER, sort: 'last_seen' as const, order: 'desc' as const, limit: 50 };
  const first = await admin.devices.list(query);
  if (first.items.length !== 50 || !first.nextCursor) throw new Error('the seeded list does not fill two pages');
  const pages = await timeConcurrentRequests(requests, concurrency, (i) =>
    admin.devices.list(i % 2 ? { ...query, cursor: first.nextCursor! } : query),
  );
  const counts: number[] = [];
  let total = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    total = (await admin.devices.list({ filter: LIST_FILTER, limit: 1, count: true })).total ?? 0;
    counts.push(performance.now() - t);
  }
  counts.sort((a, b) => a - b);
  return { p50: pages.p50, p99: pages.p99, countMedian: counts[2], matched: total };
}
