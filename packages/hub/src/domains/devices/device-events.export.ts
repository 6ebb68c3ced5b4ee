import type { Db } from '../../storage/database.js';

// Device events in the order the hub received them, for exporters that follow them with a cursor
// (the SIEM export). A position is `[receivedAt, deviceId, seq]` as JSON; events received in the
// last `settleMs` are held back, so a batch the ingest writer commits late (its rows carry the time
// they arrived, not the time of the commit) is never passed over.

export interface ExportedDeviceEvent {
  position: string;
  deviceId: string;
  seq: number;
  ts: string;
  type: string;
  severity: string;
  data: Record<string, unknown>;
  agentVersion: string | null;
}

export interface DeviceEventsExport {
  after(position: string | null, until: string, limit: number): Promise<ExportedDeviceEvent[]>;
  countAfter(position: string | null, until: string, cap: number): Promise<number>;
  head(until: string): Promise<string | null>;
}

type Pos = [string, string, number];

function parsePosition(position: string | null): Pos | null {
  if (position === null) return null;
  const p = JSON.parse(position) as unknown;
  if (!Array.isArray(p) || p.length !== 3) throw new Error(`not a device event position: ${position}`);
  return [String(p[0]), String(p[1]), Number(p[2])];
}

export function createDeviceEventsExport(db: Db): DeviceEventsExport {
  function base(position: string | null, until: string) {
    const p = parsePosition(position);
    let q = db.selectFrom('device_events as e').where('e.received_at', '<=', until);
    if (p)
      q = q.where((eb) =>
        eb.or([
          eb('e.received_at', '>', p[0]),
          eb.and([eb('e.received_at', '=', p[0]), eb('e.device_id', '>', p[1])]),
          eb.and([eb('e.received_at', '=', p[0]), eb('e.device_id', '=', p[1]), eb('e.seq', '>', p[2])]),
        ]),
      );
    return q;
  }
  return {
    async after(position, until, limit) {
      const rows = await base(position, until)
        .leftJoin('devices as d', 'd.id', 'e.device_id')
        .select([
          'e.device_id',
          'e.seq',
          'e.ts',
          'e.received_at',
          'e.type',
          'e.severity',
          'e.data_json',
          'd.agent_version',
        ])
        .orderBy('e.received_at')
        .orderBy('e.device_id')
        .orderBy('e.seq')
        .limit(limit)
        .execute();
      return rows.map((r) => {
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(r.data_json) as Record<string, unknown>;
        } catch {
          data = {};
        }
        return {
          position: JSON.stringify([r.received_at, r.device_id, Number(r.seq)]),
          deviceId: r.device_id,
          seq: Number(r.seq),
          ts: r.ts,
          type: r.type,
          severity: r.severity,
          data,
          agentVersion: r.agent_version ?? null,
        };
      });
    },
    async countAfter(position, until, cap) {
      const rows = await base(position, until).select('e.seq').limit(cap).execute();
      return rows.length;
    },
    async head(until) {
      const r = await db
        .selectFrom('device_events')
        .select(['received_at', 'device_id', 'seq'])
        .where('received_at', '<=', until)
        .orderBy('received_at', 'desc')
        .orderBy('device_id', 'desc')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? JSON.stringify([r.received_at, r.device_id, Number(r.seq)]) : null;
    },
  };
}
