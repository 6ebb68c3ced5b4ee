import net from 'node:net';
import type { GuardEvent, GuardProtocol, GuardSessionEvent } from '@outpost/guard';
import { SessionStats, normaliseAddress } from './session.stats.js';

export interface Endpoint {
  host: string;
  port: number;
}

/** What a protocol handler may do with one connection. */
export interface RelayContext {
  readonly master: string;
  readonly stats: SessionStats;
  toDevice(bytes: Uint8Array): void;
  toMaster(bytes: Uint8Array): void;
  /** Closes both sides; the reason goes into the session event. */
  close(reason: string): void;
  emit(events: readonly GuardEvent[]): void;
}

/** Protocol-specific inspection of one connection. */
export interface RelayHandler {
  fromMaster(chunk: Uint8Array): void;
  fromDevice(chunk: Uint8Array): void;
}

export interface TcpRelayOptions {
  listen: Endpoint;
  upstream: Endpoint;
  protocol: GuardProtocol;
  deviceId: string;
  clock: () => number;
  onEvent: (e: GuardEvent) => void;
  createHandler: (ctx: RelayContext) => RelayHandler;
  maxConnections?: number;
}

export interface TcpRelay {
  readonly address: Endpoint;
  connections(): number;
  /** Statistics of the connections open now (session events without a close reason). */
  sessions(): GuardSessionEvent[];
  close(): Promise<void>;
}

function safeEmit(onEvent: (e: GuardEvent) => void, events: readonly GuardEvent[]): void {
  for (const e of events) {
    try {
      onEvent(e);
    } catch {
      // A failing event sink must never take the proxy down.
    }
  }
}

// One master connection and its upstream connection. The master socket is paused until
// the upstream is connected so that nothing is queued and coalesced on our side.
function relayConnection(
  client: net.Socket,
  opts: TcpRelayOptions,
  sessions: Map<(reason: string) => void, SessionStats>,
): void {
  const stats = new SessionStats(opts.protocol, normaliseAddress(client.remoteAddress), opts.deviceId, opts.clock);
  const upstream = net.connect({ host: opts.upstream.host, port: opts.upstream.port });
  let closed = false;
  const close = (reason: string): void => {
    if (closed) return;
    closed = true;
    client.destroy();
    upstream.destroy();
    sessions.delete(close);
    safeEmit(opts.onEvent, [stats.toEvent(reason)]);
  };
  const ctx: RelayContext = {
    master: stats.master,
    stats,
    toDevice: (b) => {
      if (!closed) upstream.write(b);
    },
    toMaster: (b) => {
      if (!closed) client.write(b);
    },
    close,
    emit: (events) => safeEmit(opts.onEvent, events),
  };
  const handler = opts.createHandler(ctx);
  sessions.set(close, stats);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pause();
  upstream.once('connect', () => client.resume());
  client.on('data', (chunk: Buffer) => {
    stats.bytesFromMaster += chunk.length;
    handler.fromMaster(chunk);
  });
  upstream.on('data', (chunk: Buffer) => {
    stats.bytesFromDevice += chunk.length;
    handler.fromDevice(chunk);
  });
  client.on('end', () => upstream.end());
  upstream.on('end', () => client.end());
  client.on('error', () => close('master_error'));
  upstream.on('error', () => close('device_error'));
  client.on('close', () => close('master_closed'));
  upstream.on('close', () => close('device_closed'));
}

/** A TCP relay that hands each connection's bytes to a protocol handler. */
export function createTcpRelay(opts: TcpRelayOptions): Promise<TcpRelay> {
  const sessions = new Map<(reason: string) => void, SessionStats>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) =>
    relayConnection(client, opts, sessions),
  );
  server.maxConnections = opts.maxConnections ?? 64;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => {
      server.off('error', reject);
      const addr = server.address() as net.AddressInfo;
      resolve({
        address: { host: addr.address, port: addr.port },
        connections: () => sessions.size,
        sessions: () => [...sessions.values()].map((s) => s.toEvent()),
        close: () =>
          new Promise<void>((done) => {
            for (const closeSession of [...sessions.keys()]) closeSession('proxy_closed');
            server.close(() => done());
          }),
      });
    });
  });
}
