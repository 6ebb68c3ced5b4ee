import net from 'node:net';
import type { Duplex } from 'node:stream';
import {
  decodeFrame,
  decodeSize,
  encodeFrame,
  encodeSize,
  FrameType,
  readU32,
  RELAY_HEADER_BYTES,
  RELAY_MAX_DATA,
  RELAY_MAX_MESSAGE,
  RELAY_WINDOW,
  u32,
} from '../access-messages.js';
import { readIntoPool, type Region } from './relay-read-pool.js';
import { headOf, tailOf, type RelayWire } from './relay-wire.js';

interface Stream {
  id: number;
  /** Null while the device side is still connecting to the target; frames wait in `early`. */
  local: Duplex | null;
  early: Array<{ type: FrameType; payload: Uint8Array[]; release: () => void }>;
  /** Bytes we may still send before the peer returns credit. */
  credit: number;
  /** Credit we owe the peer for bytes written out locally, not yet returned. */
  owed: number;
  sentEof: boolean;
  gotEof: boolean;
}

/** What the multiplexer needs of a WebSocket (the `ws` package's client or server socket). */
export interface MuxSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: Uint8Array): void;
  once(event: 'close', listener: () => void): unknown;
}

export interface MuxOptions {
  /** Device side: a new stream asks for a local connection (OPEN may carry a terminal size). */
  onOpen?(stream: number, size: { cols: number; rows: number } | null): Promise<Duplex>;
  onResize?(stream: number, size: { cols: number; rows: number }): void;
  onStreamEnd?(stream: number, reason: string): void;
}

export interface Mux {
  /** Operator side: opens a new stream for this local connection. */
  open(local: Duplex, size?: { cols: number; rows: number }): number;
  resize(stream: number, cols: number, rows: number): void;
  /** Feeds one binary WebSocket message. */
  frame(data: Buffer): void;
  /** Feeds one binary WebSocket message given as slices (relayWire's receive path); `release` once written. */
  frameParts(parts: Buffer[], length: number, release?: () => void): void;
  /** Sends and receives binary messages through `wire` from now on, without copying payloads. */
  useWire(wire: RelayWire): void;
  closeAll(reason: string): void;
  streams(): number;
  bytes(): { sent: number; received: number };
}

/**
 * One end of the relay's stream multiplexer (docs/relay-protocol.md): local connections become
 * streams over one WebSocket. Each stream direction has a credit window; a local reader is
 * paused when its credit runs out and resumed when the peer returns credit after writing the
 * bytes out — backpressure from the far socket all the way back to the near one.
 */
export function createMux(ws: MuxSocket, o: MuxOptions = {}): Mux {
  const streams = new Map<number, Stream>();
  let nextId = 1;
  const counters = { sent: 0, received: 0 };
  let wire: RelayWire | null = null;

  /** `sent` comes once `payload` is no longer needed (written out, copied, or not sent at all). */
  const send = (type: FrameType, id: number, payload?: Uint8Array, sent?: () => void) => {
    if (ws.readyState !== ws.OPEN || !wire) {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(type, id, payload));
      return sent?.();
    }
    const head = Buffer.allocUnsafe(RELAY_HEADER_BYTES);
    head[0] = type;
    head.writeUInt32BE(id >>> 0, 1);
    if (!wire.send(head, payload && payload.length > 0 ? [payload] : [], sent && (() => sent()))) sent?.();
  };

  function finish(s: Stream, reason: string, tellPeer: boolean) {
    if (streams.get(s.id) !== s) return;
    streams.delete(s.id);
    if (tellPeer) send(FrameType.Close, s.id, Buffer.from(reason || 'closed'));
    s.local?.destroy();
    o.onStreamEnd?.(s.id, reason);
  }

  function returnCredit(s: Stream, n: number) {
    s.owed += n;
    // Return credit in batches, but before the peer could run dry.
    if (s.owed >= RELAY_WINDOW / 4) {
      send(FrameType.Window, s.id, u32(s.owed));
      s.owed = 0;
    }
  }

  function attach(s: Stream, local: Duplex) {
    const id = s.id;
    s.local = local;
    const onChunk = (chunk: Buffer, region: Region | null) => {
      for (let i = 0; i < chunk.length; i += RELAY_MAX_DATA) {
        const piece = chunk.subarray(i, i + RELAY_MAX_DATA);
        if (region) pooled!.hold(region);
        send(FrameType.Data, id, piece, region ? () => pooled!.release(region) : undefined);
        counters.sent += piece.length;
        s.credit -= piece.length;
      }
      if (s.credit <= 0) local.pause();
    };
    // A TCP connection reads into recycled buffers, each given back once its DATA frame is written out.
    const pooled =
      wire && local instanceof net.Socket && local.remotePort !== undefined
        ? readIntoPool(local, onChunk, RELAY_MAX_DATA)
        : null;
    // Reads no longer come as 'data' events; flowing mode still delivers the end of the stream.
    if (pooled) local.resume();
    else local.on('data', (chunk: Buffer) => onChunk(chunk, null));
    local.on('end', () => {
      // Half-close: the local side is done sending; the other direction may still flow.
      s.sentEof = true;
      send(FrameType.Close, id);
      if (s.gotEof) finish(s, 'done', false);
    });
    local.on('error', (err: Error) => finish(s, `error: ${err.message}`.slice(0, 200), true));
    local.on('close', () => finish(s, 'closed', !(s.sentEof && s.gotEof)));
    for (const f of s.early.splice(0)) deliver(s, f.type, f.payload, f.release);
  }

  const newStream = (id: number): Stream => ({
    id,
    local: null,
    early: [],
    credit: RELAY_WINDOW,
    owed: 0,
    sentEof: false,
    gotEof: false,
  });

  async function onOpen(id: number, payload: Uint8Array) {
    if (!o.onOpen || streams.has(id)) return send(FrameType.Close, id, Buffer.from('refused'));
    const s = newStream(id);
    streams.set(id, s);
    try {
      const local = await o.onOpen(id, decodeSize(payload));
      if (streams.get(id) !== s) return void local.destroy();
      attach(s, local);
    } catch (err) {
      finish(s, `error: ${(err as Error).message}`.slice(0, 200), true);
    }
  }

  function deliver(s: Stream, type: FrameType, payload: Uint8Array[], release: () => void) {
    if (!s.local) return void s.early.push({ type, payload, release });
    if (type === FrameType.Data) return onData(s, s.local, payload, release);
    if (type === FrameType.Close) onClose(s, s.local, joined(payload));
    else if (type === FrameType.Window) {
      s.credit += readU32(joined(payload));
      if (s.credit > 0 && s.local.isPaused()) s.local.resume();
    }
    release();
  }

  function onData(s: Stream, local: Duplex, payload: Uint8Array[], release: () => void) {
    let n = 0;
    for (const p of payload) n += p.length;
    counters.received += n;
    const done = (err?: Error | null) => {
      release();
      if (!err && streams.has(s.id)) returnCredit(s, n);
    };
    if (payload.length === 1) return void local.write(payload[0], done);
    // Several slices of one frame: one write to the socket.
    local.cork();
    for (let i = 0; i < payload.length; i++) local.write(payload[i], i === payload.length - 1 ? done : undefined);
    local.uncork();
    if (payload.length === 0) done();
  }

  function onClose(s: Stream, local: Duplex, payload: Uint8Array) {
    if (payload.length > 0) return finish(s, Buffer.from(payload).toString('utf8'), false);
    s.gotEof = true;
    local.end();
    if (s.sentEof) finish(s, 'done', false);
  }

  function dispatch(type: FrameType, stream: number, payload: Uint8Array[], release: () => void = noop) {
    if (type === FrameType.Open) return void onOpen(stream, joined(payload));
    if (type === FrameType.Resize) {
      const size = decodeSize(joined(payload));
      if (size) o.onResize?.(stream, size);
      return;
    }
    const s = streams.get(stream);
    if (s) deliver(s, type, payload, release);
    else release();
  }

  const flushTimer = setInterval(() => {
    for (const s of streams.values()) {
      if (s.owed > 0) {
        send(FrameType.Window, s.id, u32(s.owed));
        s.owed = 0;
      }
    }
  }, 50);
  flushTimer.unref();
  ws.once('close', () => clearInterval(flushTimer));

  const mux: Mux = {
    open(local, size) {
      const s = newStream(nextId++);
      streams.set(s.id, s);
      send(FrameType.Open, s.id, size ? encodeSize(size.cols, size.rows) : undefined);
      attach(s, local);
      return s.id;
    },
    resize(stream, cols, rows) {
      send(FrameType.Resize, stream, encodeSize(cols, rows));
    },
    frame(data) {
      const f = decodeFrame(data);
      if (f) dispatch(f.type, f.stream, [f.payload]);
    },
    frameParts(parts, length, release = noop) {
      if (length < RELAY_HEADER_BYTES || length > RELAY_MAX_MESSAGE) return release();
      const head = headOf(parts, RELAY_HEADER_BYTES);
      const payload = tailOf(parts, RELAY_HEADER_BYTES);
      const n = length - RELAY_HEADER_BYTES;
      // Only DATA is large; every other frame is checked by decodeFrame as one small (copied) buffer.
      if (head[0] === FrameType.Data && n <= RELAY_MAX_DATA) {
        const stream = head.readUInt32BE(1);
        if (stream !== 0) dispatch(FrameType.Data, stream, payload, release);
        else release();
        return;
      }
      const whole = Buffer.concat(parts, length);
      release();
      mux.frame(whole);
    },
    useWire(w) {
      wire = w;
      w.onBinary((parts, length, release) => mux.frameParts(parts, length, release));
    },
    closeAll(reason) {
      clearInterval(flushTimer);
      for (const s of [...streams.values()]) finish(s, reason, false);
    },
    streams: () => streams.size,
    bytes: () => ({ ...counters }),
  };
  return mux;
}

const noop = () => undefined;

function joined(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
