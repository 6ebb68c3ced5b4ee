import type { InspectionRow } from '../capture/capture-row.types.js';
import { GooseMonitor, type GoosePublication, type MonitorEvent } from './goose.monitor.js';

// The passive substation monitor: fed the rows of a live capture (GOOSE and MMS), it keeps
// an inventory — GOOSE control blocks and the MAC publishing each, MMS client/server pairs —
// and turns what matters into events: GOOSE sequence anomalies (goose.monitor.ts), new MMS
// associations, MMS writes and controls (object names), frames that do not decode.

/** MMS client/server pairs tracked at once; the least recently seen is forgotten first. */
export const MAX_ASSOCIATIONS = 1024;
const MAX_OBJECTS_SHOWN = 8;

export interface MmsAssociation {
  client: string;
  server: string;
  firstSeen: number;
  lastSeen: number;
  requests: number;
  writes: number;
}

export interface SubstationInventory {
  goose: GoosePublication[];
  mms: MmsAssociation[];
  forgotten: number;
}

export class SubstationMonitor {
  private readonly goose: GooseMonitor;
  private readonly assoc = new Map<string, MmsAssociation>();
  private forgottenAssociations = 0;

  constructor(private readonly limits: { publications?: number; associations?: number } = {}) {
    this.goose = new GooseMonitor(limits.publications);
  }

  observe(row: InspectionRow): MonitorEvent[] {
    if (row.protocol === 'goose') {
      if (row.goose) return this.goose.observe(row.goose, row.src, row.ts);
      return [this.malformed(row)];
    }
    if (row.protocol !== 'mms') return [];
    if (row.malformed) return [this.malformed(row)];
    if (!row.mms || row.direction !== 'request') return [];
    return this.request(row);
  }

  /** Timeouts at clock time `now` (GOOSE time to live). */
  tick(now: number): MonitorEvent[] {
    return this.goose.tick(now);
  }

  inventory(): SubstationInventory {
    const g = this.goose.inventory();
    return {
      goose: g.publications,
      mms: [...this.assoc.values()],
      forgotten: g.forgotten + this.forgottenAssociations,
    };
  }

  private request(row: InspectionRow): MonitorEvent[] {
    const m = row.mms!;
    const key = `${row.src}>${row.dst}`;
    const events: MonitorEvent[] = [];
    let a = this.assoc.get(key);
    if (a) this.assoc.delete(key);
    else {
      a = { client: row.src, server: row.dst, firstSeen: row.ts, lastSeen: row.ts, requests: 0, writes: 0 };
      events.push({
        type: 'iec61850.mms_association',
        severity: 'info',
        ts: row.ts,
        data: { client: row.src, server: row.dst, pdu: m.pdu },
      });
    }
    this.assoc.set(key, a);
    if (this.assoc.size > (this.limits.associations ?? MAX_ASSOCIATIONS)) {
      const oldest = this.assoc.keys().next().value;
      if (oldest !== undefined) this.assoc.delete(oldest);
      this.forgottenAssociations++;
    }
    a.lastSeen = row.ts;
    a.requests++;
    if (row.class === 'write') {
      a.writes++;
      const objects = m.objects ?? [];
      // Controls (functional constraint CO: Oper, SBOw, Cancel) operate equipment.
      const control = objects.some((o) => o.includes('$CO$'));
      const data = {
        client: row.src,
        server: row.dst,
        invokeId: m.invokeId,
        service: m.service,
        objects: objects.slice(0, MAX_OBJECTS_SHOWN),
        count: objects.length,
      };
      events.push({
        type: control ? 'iec61850.mms_control' : 'iec61850.mms_write',
        severity: control ? 'warning' : 'info',
        ts: row.ts,
        data,
      });
    }
    return events;
  }

  private malformed(row: InspectionRow): MonitorEvent {
    const data = { protocol: row.protocol, src: row.src, dst: row.dst, reason: row.malformed ?? 'undecoded' };
    return { type: 'iec61850.malformed', severity: 'warning', ts: row.ts, data };
  }
}
