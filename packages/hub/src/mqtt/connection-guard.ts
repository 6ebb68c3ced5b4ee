import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

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

/** Follows packet boundaries in a byte stream; says which packet, if any, is over its limit. */
export class PacketSizeMeter {
  private skip = 0;
  private header: number[] = [];
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
      this.header.push(chunk[i++]);
      if (this.header.length === 1) continue; // the type byte
      const last = this.header[this.header.length - 1];
      if (last & 0x80) {
        if (this.header.length === 5) return 'malformed_length';
        continue;
      }
      let remaining = 0;
      for (let k = this.header.length - 1; k >= 1; k--) remaining = remaining * 128 + (this.header[k] & 0x7f);
      const total = this.header.length + remaining;
      this.header = [];
      if (total > this.limit) return 'packet_too_large';
      this.skip = remaining;
    }
    return null;
  }
}

/**
 * Meters what the broker reads from `socket` (it reads with `read()` on 'readable'): the first
 * packet over the limit destroys the connection and reports why. `connected()` raises the limit.
 */
export function meterPackets(
  socket: TLSSocket,
  limits: PacketLimits,
  refused: (reason: GuardRefusal) => void,
): { connected(): void } {
  const meter = new PacketSizeMeter(limits.beforeConnect);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || typeof chunk === 'string') return chunk;
    const reason = meter.feed(chunk);
    if (!reason) return chunk;
    refused(reason);
    socket.destroy();
    return null;
  };
  return {
    connected() {
      meter.limit = limits.afterConnect;
    },
  };
}

/** Counts raw connections per address until they are authenticated or closed; refuses past `max`. */
export function pendingPerAddress(max: number, refused: (reason: GuardRefusal, address: string) => void) {
  const pending = new Map<string, number>();
  const counted = new WeakSet<Socket>();
  const settled = new WeakSet<Socket>();
  const settle = (socket: Socket) => {
    if (!counted.has(socket) || settled.has(socket)) return;
    settled.add(socket);
    const address = socket.remoteAddress ?? '';
    const n = (pending.get(address) ?? 1) - 1;
    if (n <= 0) pending.delete(address);
    else pending.set(address, n);
  };
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
      socket.once('close', () => settle(socket));
      return true;
    },
    /** The connection's CONNECT was accepted: it no longer counts as pending. */
    authenticated(socket: TLSSocket) {
      // A TLS socket of a tls.Server wraps the TCP socket that was counted (Node keeps it as _parent).
      settle((socket as TLSSocket & { _parent?: Socket })._parent ?? socket);
    },
    size: () => pending.size,
  };
}
