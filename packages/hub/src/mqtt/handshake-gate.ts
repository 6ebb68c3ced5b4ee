import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';

// When thousands of devices dial at once (a cold start, a hub restart), a TLS server starts every
// handshake at once and advances them all side by side: each takes as long as all of them, and
// past the handshake timeout every one of them fails and is dialled again, so the same work is done
// several times over. This gate lets `max` handshakes run at a time; further connections wait,
// unread, in arrival order, and each starts when one before it has finished (or failed).

type Parented = TLSSocket & { _parent?: Socket };

/**
 * A TCP server that hands its connections to `tls` at most `max` handshakes at a time. `opened`
 * sees each connection first (false: refused, it is not queued). Listen on the returned server.
 */
export function gateHandshakes(tls: TlsServer, max: number, opened: (raw: Socket) => boolean): NetServer {
  const waiting: Socket[] = [];
  const inHandshake = new Set<Socket>();
  const next = () => {
    while (inHandshake.size < max && waiting.length > 0) {
      const raw = waiting.shift()!;
      if (raw.destroyed) continue;
      inHandshake.add(raw);
      tls.emit('connection', raw);
    }
  };
  const done = (raw: Socket | undefined) => {
    if (raw && inHandshake.delete(raw)) next();
  };
  tls.on('secureConnection', (s: Parented) => done(s._parent));
  tls.on('tlsClientError', (_err, s: Parented) => done(s._parent));
  const server = createServer({ pauseOnConnect: true }, (raw) => {
    if (!opened(raw)) return;
    raw.once('close', () => done(raw));
    waiting.push(raw);
    next();
  });
  return server;
}
