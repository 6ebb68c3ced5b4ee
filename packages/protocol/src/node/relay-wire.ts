import type { Duplex } from 'node:stream';
import { readIntoPool, type Region } from './relay-read-pool.js';

/**
 * What the relay's data path uses of a `ws` WebSocket: its socket, its frame parser and which end
 * it is. These are `ws` internals (stable across ws 8); the handshake, control frames, pings and
 * the close handshake stay with `ws`.
 */
interface WsInternals {
  readonly readyState: number;
  readonly OPEN: number;
  _socket: Duplex | null;
  _receiver: { write(chunk: Buffer): boolean; readonly destroyed: boolean } | null;
  _isServer: boolean;
}

/**
 * One whole binary WebSocket message, as slices of what the socket read (nothing copied). With pooled
 * reads the slices' memory is reused once `release` is called: call it when nothing needs them any more
 * (after the write that forwards them has completed). Not calling it only costs the pool its reuse.
 */
export type BinaryHandler = (parts: Buffer[], length: number, release: () => void) => void;

export interface RelayWireOptions {
  /** Read into a few recycled buffers rather than a fresh one per read (the hub, which releases every message). */
  pooledReads?: boolean;
}

export interface RelayWire {
  /**
   * Sends one binary message made of `head` (a few bytes, copied into the frame header) and
   * `parts` (written as they are). False when the WebSocket is not open.
   */
  send(head: Uint8Array | null, parts: readonly Uint8Array[], cb?: (err?: Error | null) => void): boolean;
  /** Unfragmented binary messages go to `handler` from now on (null: back to the WebSocket's 'message'). */
  onBinary(handler: BinaryHandler | null): void;
}

const HEADER_MAX = 14;
const HEAD_MAX = 16;
// Messages up to this size are copied into one buffer and written at once.
const SMALL = 2048;

/**
 * The relay's data path over a `ws` WebSocket (docs/relay-protocol.md, "Data path"). `ws` joins
 * every message into one fresh buffer and the relay framing copied each payload behind its
 * header: two allocations and copies of every 64 KiB, and the garbage collection they cause,
 * were most of the relay's CPU. Here binary messages are read straight off the socket as slices
 * and written as a small header plus the payload as it is; every other frame (text, ping, pong,
 * close, fragments) is handed to `ws`'s own parser unchanged, in order.
 */
export function relayWire(websocket: unknown, maxPayload: number, options: RelayWireOptions = {}): RelayWire {
  const ws = websocket as WsInternals;
  const socket = ws._socket;
  const receiver = ws._receiver;
  if (!socket || !receiver) throw new Error('relayWire: the WebSocket is not connected');
  const sock = socket as Duplex & { cork(): void; uncork(): void };
  const isServer = ws._isServer;
  let handler: BinaryHandler | null = null;

  // Parser state: the frame header being read, then the payload bytes still due.
  const header = Buffer.alloc(HEADER_MAX);
  let have = 0;
  let headerSize = 2;
  let due = 0;
  let fast = false;
  let key: Buffer | null = null;
  let keyAt = 0;
  let parts: Buffer[] = [];
  let length = 0;
  // With pooled reads: the regions the message being read holds, one hold each.
  let held: Region[] = [];
  let chunkRegion: Region | null = null;

  const toWsOwned = (b: Buffer) => {
    if (!receiver.destroyed && !receiver.write(b)) socket.pause();
  };
  // ws keeps what it is given until it has parsed it: a pooled region is copied out first.
  const toWs = (b: Buffer) => toWsOwned(chunkRegion ? Buffer.from(b) : b);

  function headerDone() {
    const b0 = header[0];
    const b1 = header[1];
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    let len = len7;
    if (len7 === 126) len = header.readUInt16BE(2);
    else if (len7 === 127) len = header.readUInt32BE(2) === 0 ? header.readUInt32BE(6) : Number.MAX_SAFE_INTEGER;
    // Ours: a whole binary message, masked exactly when it comes from a client, within the limit.
    fast = handler !== null && b0 === 0x82 && masked === isServer && len <= maxPayload;
    due = len;
    if (fast) {
      const k = headerSize - 4;
      // The relay's own legs mask with zeros (relayMask): nothing to undo, nothing to copy.
      key = masked && (header[k] | header[k + 1] | header[k + 2] | header[k + 3]) !== 0 ? header.subarray(k) : null;
      if (key) key = Buffer.from(key.subarray(0, 4));
      keyAt = 0;
      parts = [];
      held = [];
      length = len;
    } else {
      toWsOwned(Buffer.from(header.subarray(0, headerSize)));
    }
    have = 0;
    headerSize = 2;
    if (due === 0) frameDone();
  }

  function frameDone() {
    if (!fast) return;
    fast = false;
    const done = parts;
    const regions = held;
    parts = [];
    held = [];
    const release = regions.length === 0 ? noop : () => releaseAll(regions);
    if (handler) handler(done, length, release);
    else release();
  }

  function releaseAll(regions: Region[]) {
    for (const r of regions) pool?.release(r);
    regions.length = 0;
  }

  function onData(chunk: Buffer) {
    let at = 0;
    while (at < chunk.length) {
      if (due === 0) {
        // Header: two bytes say how long the rest of it is.
        while (have < headerSize && at < chunk.length) {
          header[have++] = chunk[at++];
          if (have === 2) headerSize = 2 + ((header[1] & 0x7f) === 126 ? 2 : (header[1] & 0x7f) === 127 ? 8 : 0);
          if (have === 2 && header[1] & 0x80) headerSize += 4;
        }
        if (have === headerSize) headerDone();
        continue;
      }
      const take = Math.min(due, chunk.length - at);
      const piece = take === chunk.length ? chunk : chunk.subarray(at, at + take);
      at += take;
      due -= take;
      if (fast) {
        if (key) keyAt = unmask(piece, key, keyAt);
        parts.push(piece);
        if (chunkRegion && held[held.length - 1] !== chunkRegion) {
          pool!.hold(chunkRegion);
          held.push(chunkRegion);
        }
      } else {
        toWs(piece);
      }
      if (due === 0) frameDone();
    }
  }

  // In front of ws's own listener: the bytes reach its parser only through `toWs`.
  for (const l of socket.listeners('data')) socket.removeListener('data', l as (c: Buffer) => void);
  socket.on('data', onData);
  const pool = options.pooledReads
    ? readIntoPool(socket, (chunk, region) => {
        chunkRegion = region;
        onData(chunk);
        chunkRegion = null;
      })
    : null;
  // A message cut off by the socket closing gives its regions back.
  if (pool) socket.once('close', () => releaseAll(held));

  return {
    send(head, body, cb) {
      if (ws.readyState !== ws.OPEN) return false;
      let len = head ? head.length : 0;
      for (const p of body) len += p.length;
      const hdr = Buffer.allocUnsafe(HEADER_MAX + HEAD_MAX);
      hdr[0] = 0x82;
      let n = 2;
      if (len < 126) hdr[1] = len;
      else if (len < 65536) {
        hdr[1] = 126;
        hdr.writeUInt16BE(len, 2);
        n = 4;
      } else {
        hdr[1] = 127;
        hdr.writeUInt32BE(0, 2);
        hdr.writeUInt32BE(len, 6);
        n = 10;
      }
      if (!isServer) {
        // A client masks; with an all-zero key (relayMask), which leaves the payload as it is.
        hdr[1] |= 0x80;
        hdr.writeUInt32BE(0, n);
        n += 4;
      }
      if (head) {
        if (head.length > HEAD_MAX) throw new Error('relayWire: head too long');
        hdr.set(head, n);
        n += head.length;
      }
      if (len <= SMALL) {
        // Small (keystrokes, requests, credit): one buffer, one write, no cork — what a round trip waits on.
        const one = Buffer.allocUnsafe(n + len - (head ? head.length : 0));
        hdr.copy(one, 0, 0, n);
        let at = n;
        for (const p of body) {
          one.set(p, at);
          at += p.length;
        }
        socket.write(one, cb);
        return true;
      }
      sock.cork();
      if (body.length === 0) socket.write(hdr.subarray(0, n), cb);
      else {
        socket.write(hdr.subarray(0, n));
        for (let i = 0; i < body.length; i++) socket.write(body[i], i === body.length - 1 ? cb : undefined);
      }
      sock.uncork();
      return true;
    },
    onBinary(h) {
      handler = h;
    },
  };
}

const noop = () => undefined;

/** XORs a masked payload piece in place (browsers mask with a random key); returns the key position after it. */
function unmask(b: Buffer, key: Buffer, at: number): number {
  for (let i = 0; i < b.length; i++) b[i] ^= key[(at + i) & 3];
  return (at + b.length) & 3;
}

/** Reads `n` bytes at the front of a message given as parts. */
export function headOf(parts: readonly Buffer[], n: number): Buffer {
  if (parts.length > 0 && parts[0].length >= n) return parts[0].subarray(0, n);
  const out = Buffer.alloc(n);
  let got = 0;
  for (const p of parts) {
    if (got >= n) break;
    got += p.copy(out, got, 0, Math.min(p.length, n - got));
  }
  return out.subarray(0, got);
}

/** The parts of a message after its first `n` bytes. */
export function tailOf(parts: readonly Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = n;
  for (const p of parts) {
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    out.push(skip > 0 ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}
