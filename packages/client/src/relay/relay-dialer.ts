import WebSocket from 'ws';
import { RELAY_MAX_MESSAGE, relayMask, type RelayHubControl } from '@outpost/protocol';
import { createMux, relayWire, type Mux, type MuxOptions } from '@outpost/protocol/node';

export interface RelayReady {
  session: string;
  target: string;
  expiresAt: string;
}

export interface RelayEnd {
  code: number;
  /** The hub's reason (`expired`, `killed`, `target_refused`…) when it said one. */
  reason: string;
  message?: string;
}

export interface RelayLink {
  ws: WebSocket;
  /** Resolves when both legs are in; rejects with the hub's reason when the session never starts. */
  ready: Promise<RelayReady>;
  /** Resolves when the link is gone, with why. */
  ended: Promise<RelayEnd>;
  /** The stream multiplexer; frames before `ready` never arrive. */
  mux: Mux;
  close(): void;
}

/**
 * Dials one leg of the relay and authenticates it with the leg's single-use token. The operator
 * side (CLI, tests) passes its API credentials as headers; the device side its certificate.
 */
export function dialRelay(o: {
  url: string;
  session: string;
  token: string;
  options?: WebSocket.ClientOptions;
  mux?: MuxOptions;
}): RelayLink {
  const ws = new WebSocket(o.url, {
    maxPayload: RELAY_MAX_MESSAGE,
    handshakeTimeout: 15_000,
    perMessageDeflate: false,
    generateMask: relayMask,
    ...o.options,
  });
  const mux = createMux(ws, o.mux);
  let said: { reason: string; message?: string } | null = null;
  let onReady: (r: RelayReady) => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const ready = new Promise<RelayReady>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  ready.catch(() => undefined);
  const ended = new Promise<RelayEnd>((resolve) => {
    ws.on('close', (code, reason) => {
      mux.closeAll('relay_closed');
      const end = {
        code,
        reason: said?.reason ?? (reason.toString() || 'closed'),
        ...(said?.message ? { message: said.message } : {}),
      };
      onFail(
        Object.assign(new Error(`the session did not start: ${end.reason}${end.message ? ` (${end.message})` : ''}`), {
          end,
        }),
      );
      resolve(end);
    });
  });
  ws.on('unexpected-response', (req, res) => {
    let body = '';
    res.on('data', (c: Buffer) => (body = (body + c.toString('utf8')).slice(0, 2000)));
    res.on('end', () => {
      let message = body;
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? body;
      } catch {
        // not JSON
      }
      onFail(
        Object.assign(new Error(`the relay refused the connection (HTTP ${res.statusCode}): ${message}`), {
          status: res.statusCode,
        }),
      );
      req.destroy();
      ws.terminate();
    });
  });
  ws.on('error', (err) => onFail(err));
  ws.on('open', () => {
    // Binary messages bypass ws's joining and copying from the first byte (relayWire).
    mux.useWire(relayWire(ws, RELAY_MAX_MESSAGE, { pooledReads: true }));
    ws.send(JSON.stringify({ v: 1, type: 'auth', session: o.session, token: o.token }));
  });
  ws.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) return mux.frame(buf);
    let m: RelayHubControl;
    try {
      m = JSON.parse(buf.toString('utf8')) as RelayHubControl;
    } catch {
      return;
    }
    if (m.type === 'ready') onReady({ session: m.session, target: m.target, expiresAt: m.expiresAt });
    if (m.type === 'closed') said = { reason: m.reason, ...(m.message ? { message: m.message } : {}) };
  });
  return {
    ws,
    ready,
    ended,
    mux,
    close() {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, 'operator_closed');
    },
  };
}
