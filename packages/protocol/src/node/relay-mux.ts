import type { Duplex } from 'node:stream';
import {
  decodeFrame,
  decodeSize,
  encodeFrame,
  encodeSize,
  FrameType,
  readU32,
  RELAY_MAX_DATA,
  RELAY_WINDOW,
  u32,
} from '../access-messages.js';

interface Stream {
  id: number;
  /** Null while the device side is still connecting to the target; frames wait in `early`. */
  local: Duplex | null;
  early: Array<{ type: FrameType; payload: Uint8Array }>;
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

  const send = (type: FrameType, id: number, payload?: Uint8Array) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(type, id, payload));
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

  function deliver(s: Stream, type: FrameType, payload: Uint8Array) {
    if (!s.local) return void s.early.push({ type, payload });
    if (type === FrameType.Data) onData(s, s.local, payload);
    else if (type === FrameType.Close) onClose(s, s.local, payload);
    else if (type === FrameType.Window) {
      s.credit += readU32(payload);
      if (s.credit > 0 && s.local.isPaused()) s.local.resume();
    }
  }

  function onData(s: Stream, local: Duplex, payload: Uint8Array) {
    counters.received += payload.length;
    const n = payload.length;
    local.write(payload, (err) => {
      if (!err && streams.has(s.id)) returnCredit(s, n);
    });
  }

  function onClose(s: Stream, local: Duplex, payload: Uint8Array) {
    if (payload.length > 0) return finish(s, Buffer.from(payload).toString('utf8'), false);
    s.gotEof = true;
    local.end();
    if (s.sentEof) finish(s, 'done', false);
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

  return {
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
      if (!f) return;
      if (f.type === FrameType.Open) return void onOpen(f.stream, f.payload);
      const s = streams.get(f.stream);
      if (f.type === FrameType.Resize) {
        const size = decodeSize(f.payload);
        if (size) o.onResize?.(f.stream, size);
        return;
      }
      if (s) deliver(s, f.type, f.payload);
    },
    closeAll(reason) {
      clearInterval(flushTimer);
      for (const s of [...streams.values()]) finish(s, reason, false);
    },
    streams: () => streams.size,
    bytes: () => ({ ...counters }),
  };
}
