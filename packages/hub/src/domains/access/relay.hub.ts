import type { WebSocket, RawData } from 'ws';
import {
  compileValidator,
  RELAY_MAX_MESSAGE,
  RelayAuth,
  RelayClose,
  RelayClientControl,
  type RelayHubControl,
} from '@outpost/protocol';
import { relayWire, type RelayWire } from '@outpost/protocol/node';
import type { Clock, Timer } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Recorder } from './session-recorder.js';
import { createSplice, type Splice } from './relay.splice.js';

export type Leg = 'operator' | 'device';
export type EndState = 'closed' | 'expired' | 'terminated' | 'failed';

/** What the relay learns about a session when a leg is admitted. */
export interface AdmittedSession {
  id: string;
  deviceId: string;
  target: string;
  terminal: boolean;
  expiresAtMs: number;
  /** What to keep of the session's bytes besides counters. */
  record: 'asciicast' | 'pcap' | null;
  title: string;
}

export interface SessionEnd {
  state: EndState;
  reason: string;
  toDevice: number;
  fromDevice: number;
  streams: number;
  recording: { kind: 'asciicast' | 'pcap'; path: string; sha256: string; bytes: number } | null;
}

/** How the relay reaches the access service; the service owns every state change and audit record. */
export interface RelayPort {
  admit(
    leg: Leg,
    auth: RelayAuth,
    who: { userId?: string; deviceId?: string; sourceIp: string | null },
  ): Promise<{ ok: true; session: AdmittedSession } | { ok: false; reason: string; message: string }>;
  /** Both legs are here: approved → active. False when the session ended meanwhile. */
  activate(id: string): Promise<boolean>;
  recorder(s: AdmittedSession): Recorder | null;
  ended(id: string, end: SessionEnd): Promise<void>;
}

interface Live {
  s: AdmittedSession;
  legs: Partial<Record<Leg, WebSocket>>;
  wires: Partial<Record<Leg, RelayWire>>;
  splice: Splice | null;
  ttl: Timer | null;
  ping: Timer | null;
  ended: boolean;
}

const validateAuth = compileValidator(RelayAuth);
const validateControl = compileValidator(RelayClientControl);
const AUTH_TIMEOUT_MS = 5000;
// A leg that misses two pings in a row is gone (a dead cellular link leaves a half-open socket).
const PING_MS = 15_000;
// After the close handshake has had this long, the socket is destroyed: the kill switch must bite within a second.
const FORCE_CLOSE_MS = 500;

const CLOSE_CODE: Record<EndState, number> = {
  closed: RelayClose.PeerGone,
  expired: RelayClose.Expired,
  terminated: RelayClose.Terminated,
  failed: RelayClose.Failed,
};

export type Relay = ReturnType<typeof createRelay>;

/** The hub's half of remote access: admits both legs of a session and splices them. */
export function createRelay(o: { port: RelayPort; clock: Clock; logger: Logger }) {
  const live = new Map<string, Live>();
  // Admissions and ends still talking to the database; stopping the hub waits for them.
  const inflight = new Set<Promise<unknown>>();
  let stopping = false;
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };
  const now = () => o.clock.now().getTime();

  function send(ws: WebSocket | undefined, msg: RelayHubControl) {
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  }

  function hangUp(ws: WebSocket | undefined, code: number, reason: string) {
    if (!ws) return;
    try {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
    } catch {
      // already closing
    }
    o.clock.after(FORCE_CLOSE_MS, () => ws.terminate());
  }

  /** A new WebSocket for one leg: it must authenticate with its first message. */
  function accept(ws: WebSocket, leg: Leg, who: { userId?: string; deviceId?: string; sourceIp: string | null }) {
    if (stopping) return hangUp(ws, RelayClose.PeerGone, 'hub_stopping');
    // From the first byte on: the wire hands ws every frame until the splice takes the binary ones.
    // Reads land in recycled buffers: the splice releases each message once it is forwarded.
    const wire = relayWire(ws, RELAY_MAX_MESSAGE, { pooledReads: true });
    const early: Array<[RawData, boolean]> = [];
    let admitted = false;
    const timer = o.clock.after(AUTH_TIMEOUT_MS, () => hangUp(ws, RelayClose.Timeout, 'no auth message'));
    ws.on('message', (data, isBinary) => {
      if (admitted) return;
      if (early.length > 0 || isBinary) {
        // Only control messages may trail the auth message before the session is spliced.
        if (early.length < 16) early.push([data, isBinary]);
        return;
      }
      early.push([data, isBinary]);
      void track(admit());
    });
    async function admit() {
      timer.cancel();
      const auth = validateAuth.parse(rawText(early[0][0]));
      if (!auth.ok) return hangUp(ws, RelayClose.BadFrame, 'expected an auth message');
      const r = await o.port.admit(leg, auth.value, who).catch((err: unknown) => {
        o.logger.error({ err }, 'relay admission failed');
        return { ok: false as const, reason: 'internal', message: 'the hub could not check this token' };
      });
      if (!r.ok) {
        send(ws, { v: 1, type: 'closed', reason: r.reason, message: r.message });
        return hangUp(ws, RelayClose.Refused, r.reason);
      }
      if (stopping) return hangUp(ws, RelayClose.PeerGone, 'hub_stopping');
      admitted = true;
      ws.removeAllListeners('message');
      // A refusal inside the auth message counts before anything else the leg said.
      const refusal = auth.value.refuse ? [Buffer.from(JSON.stringify(auth.value.refuse))] : [];
      join(ws, wire, leg, r.session, [...refusal.map((b): [RawData, boolean] => [b, false]), ...early.slice(1)]);
    }
  }

  function join(ws: WebSocket, wire: RelayWire, leg: Leg, s: AdmittedSession, early: Array<[RawData, boolean]>) {
    let l = live.get(s.id);
    if (!l) {
      l = { s, legs: {}, wires: {}, splice: null, ttl: null, ping: null, ended: false };
      live.set(s.id, l);
      const ttlMs = Math.max(0, s.expiresAtMs - now());
      const entry = l;
      l.ttl = o.clock.after(ttlMs, () => end(entry, 'expired', 'ttl'));
    }
    const entry = l;
    if (entry.ended) return hangUp(ws, RelayClose.PeerGone, 'session ended');
    // Gone while its token was being checked: the token is spent, so the session cannot start.
    if (ws.readyState !== ws.OPEN) return void end(entry, 'closed', `${leg}_closed`);
    entry.legs[leg] = ws;
    entry.wires[leg] = wire;
    ws.on('close', () => void end(entry, 'closed', `${leg}_closed`));
    ws.on('error', (err) => o.logger.debug({ err: err.message, session: s.id, leg }, 'relay leg error'));
    // Control messages before the peer arrived (e.g. the device refusing the target) still count.
    ws.on('message', (data, isBinary) => {
      if (!isBinary) onControl(entry, leg, data);
      else if (!entry.splice) void end(entry, 'failed', 'data_before_ready');
    });
    for (const [data, isBinary] of early) if (!isBinary) onControl(entry, leg, data);
    send(ws, { v: 1, type: 'wait' });
    if (entry.legs.operator && entry.legs.device && !entry.ended) void activate(entry);
  }

  async function activate(l: Live) {
    if (!(await o.port.activate(l.s.id)) || l.ended) return void end(l, 'failed', 'not_active');
    const operator = l.legs.operator!;
    const device = l.legs.device!;
    for (const ws of [operator, device]) ws.removeAllListeners('message');
    const wires = { operator: l.wires.operator!, device: l.wires.device! };
    const splice = createSplice({
      operator,
      device,
      wires,
      terminal: l.s.terminal,
      recorder: o.port.recorder(l.s),
      onViolation: (who, why) => void end(l, 'failed', `${who}_${why}`),
    });
    l.splice = splice;
    wires.operator.onBinary((parts, length, release) => splice.frameParts('operator', parts, length, release));
    wires.device.onBinary((parts, length, release) => splice.frameParts('device', parts, length, release));
    for (const [leg, ws] of [
      ['operator', operator],
      ['device', device],
    ] as const)
      ws.on('message', (data, isBinary) => (isBinary ? l.splice!.frame(leg, data) : onControl(l, leg, data)));
    const ready: RelayHubControl = {
      v: 1,
      type: 'ready',
      session: l.s.id,
      target: l.s.target,
      expiresAt: new Date(l.s.expiresAtMs).toISOString(),
    };
    send(operator, ready);
    send(device, ready);
    const missed = new Map<WebSocket, number>([
      [operator, 0],
      [device, 0],
    ]);
    l.ping = o.clock.every(PING_MS, () => {
      for (const [ws, count] of missed) {
        if (count >= 2) ws.terminate();
        missed.set(ws, count + 1);
        if (ws.readyState === ws.OPEN) ws.ping();
      }
    });
    for (const ws of [operator, device]) ws.on('pong', () => missed.set(ws, 0));
  }

  function onControl(l: Live, leg: Leg, data: RawData) {
    const m = validateControl.parse(rawText(data));
    if (!m.ok || m.value.type !== 'error') return;
    void end(l, leg === 'device' ? 'failed' : 'closed', m.value.code.slice(0, 64), m.value.message);
  }

  function end(l: Live, state: EndState, reason: string, message?: string): Promise<void> {
    if (l.ended) return Promise.resolve();
    l.ended = true;
    return track(finish(l, state, reason, message));
  }

  async function finish(l: Live, state: EndState, reason: string, message?: string) {
    l.ttl?.cancel();
    l.ping?.cancel();
    live.delete(l.s.id);
    for (const ws of [l.legs.operator, l.legs.device]) {
      send(ws, { v: 1, type: 'closed', reason, ...(message ? { message: message.slice(0, 500) } : {}) });
      hangUp(ws, CLOSE_CODE[state], reason);
    }
    const counters = l.splice?.counters() ?? { toDevice: 0, fromDevice: 0, streams: 0 };
    const recording = await (l.splice?.finish() ?? Promise.resolve(null)).catch((err: unknown) => {
      o.logger.error({ err, session: l.s.id }, 'recording could not be finished');
      return null;
    });
    await o.port
      .ended(l.s.id, { state, reason, ...counters, recording })
      .catch((err: unknown) => o.logger.error({ err, session: l.s.id }, 'session end not stored'));
  }

  return {
    accept,
    /** Ends a live session now (kill switch, TTL backstop, device offline). False when it is not live here. */
    end(id: string, state: EndState, reason: string): boolean {
      const l = live.get(id);
      if (!l) return false;
      void end(l, state, reason);
      return true;
    },
    isLive: (id: string) => live.has(id),
    liveCount: () => live.size,
    async closeAll() {
      stopping = true;
      await Promise.all([...live.values()].map((l) => end(l, 'terminated', 'hub_stopping')));
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}

function rawText(d: RawData): string {
  if (Buffer.isBuffer(d)) return d.toString('utf8');
  if (Array.isArray(d)) return Buffer.concat(d).toString('utf8');
  return Buffer.from(d).toString('utf8');
}
