import WebSocket from 'ws';
import {
  AccessRequestMessage,
  compileValidator,
  formatAccessTarget,
  parseAccessTarget,
  RELAY_MAX_MESSAGE,
  relayMask,
  type AccessOpenMessage,
  type AccessTarget,
  type RelayHubControl,
} from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { createMux, relayWire, type Mux, type RelayWire } from '@outpost/protocol/node';
import { openTarget, refusal, type TargetRules, type TerminalEnd } from './target-connector.js';

export interface AccessFeatureOptions extends TargetRules {
  /** The device's own identity: the relay admits the device leg by this certificate. */
  tls: { keyPem: string; certPem: string; caPem: string };
  /** Rewrites the relay URL the hub sent (a different route to the hub, or a test's). */
  relayUrl?: (given: string) => string;
  maxSessions?: number;
}

interface Session {
  id: string;
  target: AccessTarget;
  ws: WebSocket;
  mux: Mux | null;
  /** The binary data path, in place from the first byte the hub sends (relayWire). */
  wire: RelayWire | null;
  terminals: Map<number, TerminalEnd>;
  ttl: { cancel(): void };
  startedAt: number;
  reason: string | null;
  ended: boolean;
}

const validate = compileValidator(AccessRequestMessage);

/**
 * Remote access on the device: on the hub's `access/req` it dials the relay (WebSocket over
 * TLS with its client certificate), connects the one target it was asked for, and splices the
 * two. It ends the session itself when the TTL runs out, on its own clock, whether or not the
 * hub can still be reached. It never listens on any socket.
 */
export function createAccessFeature(o: AccessFeatureOptions): AgentFeature {
  const sessions = new Map<string, Session>();
  let ctx: FeatureContext | null = null;

  function end(s: Session, reason: string) {
    if (s.ended) return;
    s.ended = true;
    sessions.delete(s.id);
    s.ttl.cancel();
    s.mux?.closeAll(reason);
    for (const t of s.terminals.values()) t.kill();
    // On expiry the hub may be unreachable: drop the socket rather than wait for a close handshake.
    if (reason === 'expired' || reason === 'hub_close') s.ws.terminate();
    else if (s.ws.readyState === WebSocket.OPEN) s.ws.close(1000, reason);
    const bytes = s.mux?.bytes() ?? { sent: 0, received: 0 };
    void ctx?.emit('access.session.end', reason === 'expired' ? 'warning' : 'info', {
      session: s.id,
      target: formatAccessTarget(s.target),
      reason: s.reason ?? reason,
      bytesToOperator: bytes.sent,
      bytesFromOperator: bytes.received,
      durationMs: ctx.clock.now() - s.startedAt,
    });
  }

  function onControl(s: Session, text: string) {
    let m: RelayHubControl;
    try {
      m = JSON.parse(text) as RelayHubControl;
    } catch {
      return;
    }
    if (m.type === 'closed') s.reason = String(m.reason).slice(0, 64);
    if (m.type !== 'ready' || s.mux) return;
    s.mux = createMux(s.ws, {
      onOpen: async (stream, size) => {
        const r = await openTarget(s.target, o, size);
        if (r.terminal) s.terminals.set(stream, r.terminal);
        return r.stream;
      },
      onResize: (stream, size) => s.terminals.get(stream)?.resize(size.cols, size.rows),
      onStreamEnd: (stream, why) => {
        s.terminals.get(stream)?.kill();
        s.terminals.delete(stream);
        if (why.startsWith('error:'))
          void ctx?.emit('access.stream.failed', 'warning', {
            session: s.id,
            target: formatAccessTarget(s.target),
            error: why.slice(0, 200),
          });
      },
    });
    if (s.wire) s.mux.useWire(s.wire);
    void ctx?.emit('access.session.start', 'info', { session: s.id, target: formatAccessTarget(s.target) });
  }

  function open(m: AccessOpenMessage, c: FeatureContext) {
    if (sessions.has(m.session)) return;
    const parsed = parseAccessTarget(m.target);
    const target: AccessTarget = parsed.ok ? parsed.target : { kind: 'console' };
    const refused = !parsed.ok
      ? parsed.message
      : sessions.size >= (o.maxSessions ?? 8)
        ? 'too many sessions on this device'
        : refusal(target, o);
    const url = o.relayUrl ? o.relayUrl(m.relayUrl) : m.relayUrl;
    const ws = new WebSocket(url, {
      key: o.tls.keyPem,
      cert: o.tls.certPem,
      ca: o.tls.caPem,
      maxPayload: RELAY_MAX_MESSAGE,
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
      generateMask: relayMask,
    });
    const s: Session = {
      id: m.session,
      target,
      ws,
      mux: null,
      wire: null,
      terminals: new Map(),
      ttl: { cancel() {} },
      startedAt: c.clock.now(),
      reason: null,
      ended: false,
    };
    sessions.set(s.id, s);
    // The TTL runs on the device's own timer from the moment the request arrived.
    s.ttl = c.clock.setTimeout(() => end(s, 'expired'), m.ttlMs);
    ws.on('open', () => {
      s.wire = relayWire(ws, RELAY_MAX_MESSAGE, { pooledReads: true });
      // Dial anyway to say no: the operator learns at once, and the hub records the refusal.
      const refuse = refused
        ? { v: 1, type: 'error', code: 'target_refused', message: refused.slice(0, 500) }
        : undefined;
      ws.send(
        JSON.stringify({ v: 1, type: 'auth', session: m.session, token: m.token, ...(refuse ? { refuse } : {}) }),
      );
      if (!refused) return;
      void c.emit('access.target.refused', 'warning', {
        session: m.session,
        target: m.target.slice(0, 300),
        reason: refused.slice(0, 300),
      });
      end(s, 'target_refused');
    });
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (isBinary) s.mux?.frame(buf);
      else onControl(s, buf.toString('utf8'));
    });
    ws.on('close', () => end(s, 'relay_closed'));
    ws.on('error', (err) => c.logger.warn('relay connection failed', { session: m.session, error: err.message }));
  }

  return {
    name: 'access',
    subscriptions: ['access/req'],
    start(c) {
      ctx = c;
    },
    onMessage(_suffix, payload, c) {
      ctx = c;
      const m = validate.parse(payload);
      if (!m.ok)
        return void c.emit('access.request.rejected', 'warning', { reason: m.code, message: m.message.slice(0, 200) });
      if (m.value.op === 'open') return open(m.value, c);
      const s = sessions.get(m.value.session);
      if (s) end(s, 'hub_close');
    },
    stop() {
      for (const s of [...sessions.values()]) end(s, 'agent_stopping');
    },
  };
}
