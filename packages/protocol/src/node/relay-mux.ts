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
import { headOf, tailOf, type RelayWire } from './relay-wire.js';

interface Stream {
  id: number;
  /** Null while the device side is still connecting to the target; frames wait in `early`. */
  local: Duplex | null;
  early: Array<{ type: FrameType; payload: Uint8Array[] }>;
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
  /** Feeds one binary WebSocket message given as slices (relayWire's receive path). */
  frameParts(parts: Buffer[], length: number): void;
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

  const send = (type: FrameType, id: number, payload?: Uint8Array) => {
    if (ws.readyState !== ws.OPEN) return;
    if (!wire) return ws.send(encodeFrame(type, id, payload));
    const head = Buffer.allocUnsafe(RELAY_HEADER_BYTES);
    head[0] = type;
    head.writeUInt32BE(id >>> 0, 1);
    wire.send(head, payload && payload.length > 0 ? [payload] : []);
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
    local.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i += RELAY_MAX_DATA) {
        const piece = chunk.subarray(i, i + RELAY_MAX_DATA);
        send(FrameType.Data, id, piece);
        counters.sent += piece.length;
        s.credit -= piece.length;
      }
      if (s.credit <= 0) local.pause();
    });
    local.on('end', () => {
      // Half-close: the local side is done sending; the other direction may still flow.
      s.sentEof = true;
      send(FrameType.Close, id);
      if (s.gotEof) finish(s, 'done', false);
    });
    local.on('error', (err: Error) => finish(s, `error: ${err.message}`.slice(0, 200), true));
    local.on('close', () => finish(s, 'closed', !(s.sentEof && s.gotEof)));
    for (const f of s.early.splice(0)) deliver(s, f.type, f.payload);
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

  function deliver(s: Stream, type: FrameType, payload: Uint8Array[]) {
    if (!s.local) return void s.early.push({ type, payload });
    if (type === FrameType.Data) onData(s, s.local, payload);
    else if (type === FrameType.Close) onClose(s, s.local, joined(payload));
    else if (type === FrameType.Window) {
      s.credit += readU32(joined(payload));
      if (s.credit > 0 && s.local.isPaused()) s.local.resume();
    }
  }

  function onData(s: Stream, local: Duplex, payload: Uint8Array[]) {
    let n = 0;
    for (const p of payload) n += p.length;
    counters.received += n;
    const done = (err?: Error | null) => {
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

  function dispatch(type: FrameType, stream: number, payload: Uint8Array[]) {
    if (type === FrameType.Open) return void onOpen(stream, joined(payload));
    if (type === FrameType.Resize) {
      const size = decodeSize(joined(payload));
      if (size) o.onResize?.(stream, size);
      return;
    }
    const s = streams.get(stream);
    if (s) deliver(s, type, payload);
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
    frameParts(parts, length) {
      if (length < RELAY_HEADER_BYTES || length > RELAY_MAX_MESSAGE) return;
      const head = headOf(parts, RELAY_HEADER_BYTES);
      const payload = tailOf(parts, RELAY_HEADER_BYTES);
      const n = length - RELAY_HEADER_BYTES;
      // Only DATA is large; every other frame is checked by decodeFrame as one small buffer.
      if (head[0] === FrameType.Data && n <= RELAY_MAX_DATA) {
        const stream = head.readUInt32BE(1);
        if (stream !== 0) dispatch(FrameType.Data, stream, payload);
        return;
      }
      mux.frame(Buffer.concat(parts, length));
    },
    useWire(w) {
      wire = w;
      w.onBinary((parts, length) => mux.frameParts(parts, length));
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

function joined(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
