import net from 'node:net';
import type { GuardEvent, GuardOverloadEvent, GuardSessionEvent, GuardWireProtocol } from '@outpost/guard';
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
  /** Emits a guard.overload event and closes with reason `overload:<limit>`. */
  overload(limit: GuardOverloadEvent['limit'], value: number, bound: number): void;
  /** Stops (on) or allows again (off) reading from the master for a named reason. */
  holdMaster(reason: string, on: boolean): void;
  emit(events: readonly GuardEvent[]): void;
}

/** Protocol-specific inspection of one connection. */
export interface RelayHandler {
  fromMaster(chunk: Uint8Array): void;
  fromDevice(chunk: Uint8Array): void;
  /** The connection is closed (stop timers). */
  closed?(): void;
}

export interface TcpRelayOptions {
  listen: Endpoint;
  upstream: Endpoint;
  protocol: GuardWireProtocol;
  deviceId: string;
  clock: () => number;
  onEvent: (e: GuardEvent) => void;
  createHandler: (ctx: RelayContext) => RelayHandler;
  maxConnections?: number;
  /** Bytes a connection may hold for a peer that does not read, per direction (default 1 MiB). */
  maxBufferedBytes?: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface TcpRelay {
  readonly address: Endpoint;
  connections(): number;
  /** Statistics of the connections open now (session events without a close reason). */
  sessions(): GuardSessionEvent[];
  /** Bytes the open connections hold for their peers (socket write buffers, both sides). */
  buffered(): number;
  close(): Promise<void>;
}

interface OpenSession {
  stats: SessionStats;
  buffered(): number;
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
//
// Back-pressure: when a write to either side finds that side's buffer full, reading from the
// master stops (and, for the master's side, reading from the device too) until the buffer
// drains; so a stalled device, or a master that never reads its replies, is slowed down by
// TCP instead of filling the guard's memory. What one read chunk produces still gets written,
// so a side may hold a little more than its high-water mark; past maxBufferedBytes the
// connection is closed with a guard.overload event.
function relayConnection(
  client: net.Socket,
  opts: TcpRelayOptions,
  sessions: Map<(reason: string) => void, OpenSession>,
): void {
  const stats = new SessionStats(opts.protocol, normaliseAddress(client.remoteAddress), opts.deviceId, opts.clock);
  const upstream = net.connect({ host: opts.upstream.host, port: opts.upstream.port });
  let closed = false;
  // Set once the handler exists; close() may run before (an early socket error).
  const current: { handler?: RelayHandler } = {};
  const close = (reason: string): void => {
    if (closed) return;
    closed = true;
    client.destroy();
    upstream.destroy();
    sessions.delete(close);
    current.handler?.closed?.();
    safeEmit(opts.onEvent, [stats.toEvent(reason)]);
  };
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const holds = new Set<string>();
  let connected = false;
  const holdMaster = (reason: string, on: boolean): void => {
    if (on) holds.add(reason);
    else holds.delete(reason);
    if (holds.size > 0) client.pause();
    else if (connected && !closed) client.resume();
  };
  const overload = (limit: GuardOverloadEvent['limit'], value: number, bound: number): void => {
    if (closed) return;
    const e: GuardOverloadEvent = {
      type: 'guard.overload',
      ts: opts.clock(),
      deviceId: opts.deviceId,
      protocol: opts.protocol,
      master: stats.master,
      limit,
      value,
      bound,
    };
    safeEmit(opts.onEvent, [e]);
    close(`overload:${limit}`);
  };
  const write = (to: net.Socket, b: Uint8Array, hold: string): void => {
    if (closed) return;
    const room = to.write(b);
    if (to.writableLength > maxBuffered) return overload('buffered_bytes', to.writableLength, maxBuffered);
    if (room || holds.has(hold)) return;
    holdMaster(hold, true);
    if (to === client) upstream.pause();
    to.once('drain', () => {
      if (to === client && !closed) upstream.resume();
      holdMaster(hold, false);
    });
  };
  const ctx: RelayContext = {
    master: stats.master,
    stats,
    toDevice: (b) => write(upstream, b, 'device_backlog'),
    toMaster: (b) => write(client, b, 'master_backlog'),
    close,
    overload,
    holdMaster,
    emit: (events) => safeEmit(opts.onEvent, events),
  };
  const h = opts.createHandler(ctx);
  current.handler = h;
  sessions.set(close, { stats, buffered: () => client.writableLength + upstream.writableLength });
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pause();
  upstream.once('connect', () => {
    connected = true;
    if (holds.size === 0) client.resume();
  });
  client.on('data', (chunk: Buffer) => {
    stats.bytesFromMaster += chunk.length;
    if (!closed) h.fromMaster(chunk);
  });
  upstream.on('data', (chunk: Buffer) => {
    stats.bytesFromDevice += chunk.length;
    if (!closed) h.fromDevice(chunk);
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
  const sessions = new Map<(reason: string) => void, OpenSession>();
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
        sessions: () => [...sessions.values()].map((s) => s.stats.toEvent()),
        buffered: () => [...sessions.values()].reduce((n, s) => n + s.buffered(), 0),
        close: () =>
          new Promise<void>((done) => {
            for (const closeSession of [...sessions.keys()]) closeSession('proxy_closed');
            server.close(() => done());
          }),
      });
    });
  });
}
