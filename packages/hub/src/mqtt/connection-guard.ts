import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

// What an unauthenticated peer can make the broker hold is bounded before any MQTT parsing:
//  - each packet's size, read from its fixed header (MQTT 3.1.1 §2.2.3: a type byte, then the
//    remaining length in at most four 7-bit groups) as the bytes arrive, so a packet larger than
//    the connection's state allows ends the connection before the parser buffers any of it. Before
//    the broker accepts CONNECT only a CONNECT fits; after it, the largest device message;
//  - connections still in their TLS handshake or before CONNECT, per address: a flood of silent
//    sockets from one address cannot use up the hub's file descriptors (Node's handshake timeout
//    and the broker's CONNECT deadline close each of them in seconds).

export interface PacketLimits {
  /** Largest packet before the broker accepts the client's CONNECT. */
  beforeConnect: number;
  /** Largest packet after. */
  afterConnect: number;
}

export type GuardRefusal = 'packet_too_large' | 'malformed_length' | 'too_many_pending';

/**
 * Follows packet boundaries in a byte stream; says which packet, if any, is over its limit. One is
 * held per connection for its whole life, so its state is four numbers.
 */
export class PacketSizeMeter {
  private skip = 0;
  /** Bytes of the fixed header read so far (0: expecting a type byte). */
  private headerBytes = 0;
  private remaining = 0;
  private multiplier = 1;
  limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Feeds the next bytes; returns why the stream must end, or null. */
  feed(chunk: Buffer): Exclude<GuardRefusal, 'too_many_pending'> | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++];
      if (this.headerBytes++ === 0) continue; // the type byte
      this.remaining += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (byte & 0x80) {
        if (this.headerBytes === 5) return 'malformed_length';
        continue;
      }
      const total = this.headerBytes + this.remaining;
      this.skip = this.remaining;
      this.headerBytes = 0;
      this.remaining = 0;
      this.multiplier = 1;
      if (total > this.limit) return 'packet_too_large';
    }
    return null;
  }
}

/** What a metered socket carries: its meter and where to report a refusal. */
interface Metered {
  meter: PacketSizeMeter;
  refused: (reason: GuardRefusal, socket: TLSSocket) => void;
}
const METER = Symbol('outpost.packetMeter');
type MeteredSocket = TLSSocket & { [METER]?: Metered };
const socketRead = TLSSocket.prototype.read as (this: TLSSocket, size?: number) => Buffer | string | null;

// One function for every socket (a per-socket closure and bound `read` cost about 300 bytes each).
function meteredRead(this: MeteredSocket, size?: number): Buffer | string | null {
  const chunk = socketRead.call(this, size);
  const m = this[METER];
  if (chunk === null || typeof chunk === 'string' || !m) return chunk;
  const reason = m.meter.feed(chunk);
  if (!reason) return chunk;
  m.refused(reason, this);
  this.destroy();
  return null;
}

/**
 * Meters what the broker reads from `socket` (it reads with `read()` on 'readable'): the first
 * packet over the limit destroys the connection and reports why. `connected(socket)` raises the limit.
 */
export function packetMeters(limits: PacketLimits, refused: (reason: GuardRefusal, socket: TLSSocket) => void) {
  return {
    meter(socket: TLSSocket): void {
      (socket as MeteredSocket)[METER] = { meter: new PacketSizeMeter(limits.beforeConnect), refused };
      socket.read = meteredRead;
    },
    connected(socket: TLSSocket): void {
      const m = (socket as MeteredSocket)[METER];
      if (m) m.meter.limit = limits.afterConnect;
    },
  };
}

/** Counts raw connections per address until they are authenticated or closed; refuses past `max`. */
export function pendingPerAddress(max: number, refused: (reason: GuardRefusal, address: string) => void) {
  const pending = new Map<string, number>();
  const counted = new WeakSet<Socket>();
  // Removed once the connection is authenticated: nothing per connection is left behind.
  function settle(this: Socket) {
    if (!counted.delete(this)) return;
    this.removeListener('close', settle);
    const address = this.remoteAddress ?? '';
    const n = (pending.get(address) ?? 1) - 1;
    if (n <= 0) pending.delete(address);
    else pending.set(address, n);
  }
  return {
    /** A new TCP connection (before TLS); false when it was refused. */
    opened(socket: Socket): boolean {
      const address = socket.remoteAddress ?? '';
      const n = pending.get(address) ?? 0;
      if (n >= max) {
        refused('too_many_pending', address);
        socket.destroy();
        return false;
      }
      pending.set(address, n + 1);
      counted.add(socket);
      socket.on('close', settle);
      return true;
    },
    /** The connection's CONNECT was accepted: it no longer counts as pending. */
    authenticated(socket: TLSSocket) {
      // A TLS socket of a tls.Server wraps the TCP socket that was counted (Node keeps it as _parent).
      settle.call((socket as TLSSocket & { _parent?: Socket })._parent ?? socket);
    },
    size: () => pending.size,
  };
}
