import type { GooseMessage } from './goose.decoder.js';
import type { MmsValue } from './mms-data.decoder.js';

// Watches GOOSE publications as a passive subscriber would (IEC 61850-8-1 §18.1): a new
// state (stNum + 1, sqNum 0) comes with changed data; retransmissions of one state count
// sqNum up by one; the next message is due within timeAllowedToLive. What departs from that
// becomes an event: a gap (frames lost), a replay (counters going back), a state change
// without changed data, a publication silent past its time to live, a control block
// published from a second MAC address. State is kept per publication, for a bounded number.

export type MonitorSeverity = 'info' | 'warning' | 'critical';

export interface MonitorEvent {
  type: string;
  severity: MonitorSeverity;
  /** Capture time of the frame that raised it, or the clock time of a timeout. */
  ts: number;
  data: Record<string, unknown>;
}

export interface GoosePublication {
  gocbRef: string;
  appId: number;
  mac: string;
  datSet: string;
  goId?: string;
  confRev: number;
  stNum: number;
  sqNum: number;
  timeAllowedToLive: number;
  firstSeen: number;
  lastSeen: number;
  messages: number;
  expired: boolean;
  simulation: boolean;
}

interface State extends GoosePublication {
  data: string[];
}

/** Publications tracked at once; the least recently heard is forgotten first. */
export const MAX_PUBLICATIONS = 1024;
const MAX_CHANGED_SHOWN = 8;
const MAX_VALUE_TEXT = 200;
const U32 = 0x100000000;

const keyOf = (g: GooseMessage) => `${g.appId}|${g.gocbRef}`;
const valueText = (v: MmsValue) => JSON.stringify(v).slice(0, MAX_VALUE_TEXT);

// Counters wrap: stNum and sqNum roll over from 2^32-1 (to 0 or, for sqNum, to 1 in edition 2).
const ahead = (from: number, to: number) => (to - from + U32) % U32;

export class GooseMonitor {
  private readonly pubs = new Map<string, State>();
  private forgotten = 0;

  constructor(private readonly maxPublications = MAX_PUBLICATIONS) {}

  /** One GOOSE message from `mac` captured at `ts`: the events it raises. */
  observe(g: GooseMessage, mac: string, ts: number): MonitorEvent[] {
    const key = keyOf(g);
    const prev = this.pubs.get(key);
    const ref = { gocbRef: g.gocbRef, appId: g.appId, mac };
    if (!prev) return this.first(key, g, mac, ts);
    if (prev.mac !== mac) {
      // Another source for a known control block: a spoofing attempt or a misconfigured IED.
      // The known publisher's state is left alone.
      return [
        { type: 'iec61850.goose_publisher_conflict', severity: 'critical', ts, data: { ...ref, knownMac: prev.mac } },
      ];
    }
    const events: MonitorEvent[] = [];
    const silent = ts - prev.lastSeen;
    if (!prev.expired && silent > prev.timeAllowedToLive) events.push(this.expiry(prev, ts, silent));
    else if (prev.expired)
      events.push({ type: 'iec61850.goose_resumed', severity: 'info', ts, data: { ...ref, silentMs: silent } });
    events.push(...this.sequence(prev, g, ts, ref));
    if (g.confRev !== prev.confRev)
      events.push({
        type: 'iec61850.goose_config_changed',
        severity: 'warning',
        ts,
        data: { ...ref, from: prev.confRev, to: g.confRev },
      });
    if (g.simulation && !prev.simulation)
      events.push({ type: 'iec61850.goose_simulated', severity: 'warning', ts, data: ref });
    const replay = events.some((e) => e.type === 'iec61850.goose_replay');
    // A replayed frame does not move the counters back: the real publisher's state stands.
    if (!replay) this.remember(key, prev, g, ts);
    else this.touch(key, prev);
    return events;
  }

  /** Publications silent past their time to live at `now` (each reported once until heard again). */
  tick(now: number): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    for (const p of this.pubs.values()) {
      const silent = now - p.lastSeen;
      if (!p.expired && silent > p.timeAllowedToLive) out.push(this.expiry(p, now, silent));
    }
    return out;
  }

  inventory(): { publications: GoosePublication[]; forgotten: number } {
    const publications = [...this.pubs.values()].map(({ data: _data, ...p }) => p);
    return { publications, forgotten: this.forgotten };
  }

  private first(key: string, g: GooseMessage, mac: string, ts: number): MonitorEvent[] {
    const state: State = {
      gocbRef: g.gocbRef,
      appId: g.appId,
      mac,
      datSet: g.datSet,
      confRev: g.confRev,
      stNum: g.stNum,
      sqNum: g.sqNum,
      timeAllowedToLive: g.timeAllowedToLive,
      firstSeen: ts,
      lastSeen: ts,
      messages: 1,
      expired: false,
      simulation: g.simulation,
      data: g.allData.map(valueText),
    };
    if (g.goId !== undefined) state.goId = g.goId;
    this.pubs.set(key, state);
    if (this.pubs.size > this.maxPublications) {
      const oldest = this.pubs.keys().next().value;
      if (oldest !== undefined) this.pubs.delete(oldest);
      this.forgotten++;
    }
    const data = {
      gocbRef: g.gocbRef,
      appId: g.appId,
      mac,
      datSet: g.datSet,
      goId: g.goId,
      confRev: g.confRev,
      stNum: g.stNum,
      entries: g.numDatSetEntries,
      simulation: g.simulation,
    };
    return [{ type: 'iec61850.goose_publisher', severity: 'info', ts, data }];
  }

  private expiry(p: State, ts: number, silent: number): MonitorEvent {
    p.expired = true;
    const data = {
      gocbRef: p.gocbRef,
      appId: p.appId,
      mac: p.mac,
      silentMs: Math.round(silent),
      timeAllowedToLive: p.timeAllowedToLive,
    };
    return { type: 'iec61850.goose_ttl_expired', severity: 'critical', ts, data };
  }

  private sequence(prev: State, g: GooseMessage, ts: number, ref: Record<string, unknown>): MonitorEvent[] {
    const counters = { stNum: g.stNum, sqNum: g.sqNum, lastStNum: prev.stNum, lastSqNum: prev.sqNum };
    const st = ahead(prev.stNum, g.stNum);
    if (st === 0) {
      const sq = ahead(prev.sqNum, g.sqNum);
      // Edition 2 wraps sqNum to 1, skipping 0.
      if (sq === 1 || (prev.sqNum === U32 - 1 && g.sqNum === 1)) return [];
      if (sq === 0 || sq > U32 / 2)
        return [
          {
            type: 'iec61850.goose_replay',
            severity: 'critical',
            ts,
            data: { ...ref, ...counters, reason: 'sqNum_not_increasing' },
          },
        ];
      return [
        { type: 'iec61850.goose_sq_gap', severity: 'warning', ts, data: { ...ref, ...counters, missed: sq - 1 } },
      ];
    }
    if (st > U32 / 2) {
      // A publisher restarting begins again at stNum 1, sqNum 0 (§18.1.2.5): not a replay.
      if (g.stNum === 1 && g.sqNum === 0) return [this.changed(prev, g, ts, ref, 'iec61850.goose_restarted')];
      return [
        {
          type: 'iec61850.goose_replay',
          severity: 'critical',
          ts,
          data: { ...ref, ...counters, reason: 'stNum_rollback' },
        },
      ];
    }
    const events: MonitorEvent[] = [];
    if (st > 1)
      events.push({
        type: 'iec61850.goose_st_gap',
        severity: 'warning',
        ts,
        data: { ...ref, ...counters, missed: st - 1 },
      });
    const changedAny = this.changedIndices(prev, g).length > 0;
    if (!changedAny)
      events.push({ type: 'iec61850.goose_st_without_change', severity: 'warning', ts, data: { ...ref, ...counters } });
    else events.push(this.changed(prev, g, ts, ref, 'iec61850.goose_state_change'));
    return events;
  }

  private changedIndices(prev: State, g: GooseMessage): number[] {
    const n = Math.max(prev.data.length, g.allData.length);
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (prev.data[i] !== (g.allData[i] ? valueText(g.allData[i]) : undefined)) out.push(i);
    return out;
  }

  private changed(prev: State, g: GooseMessage, ts: number, ref: Record<string, unknown>, type: string): MonitorEvent {
    const idx = this.changedIndices(prev, g);
    const values = idx.slice(0, MAX_CHANGED_SHOWN).map((i) => ({ index: i, value: g.allData[i] ?? null }));
    const data = { ...ref, datSet: g.datSet, stNum: g.stNum, t: g.t, changed: idx.length, values };
    return { type, severity: type === 'iec61850.goose_restarted' ? 'warning' : 'info', ts, data };
  }

  private remember(key: string, p: State, g: GooseMessage, ts: number): void {
    Object.assign(p, {
      datSet: g.datSet,
      confRev: g.confRev,
      stNum: g.stNum,
      sqNum: g.sqNum,
      timeAllowedToLive: g.timeAllowedToLive,
      lastSeen: ts,
      expired: false,
      simulation: g.simulation,
      data: g.allData.map(valueText),
    });
    p.messages++;
    this.touch(key, p);
  }

  private touch(key: string, p: State): void {
    this.pubs.delete(key);
    this.pubs.set(key, p);
  }
}
