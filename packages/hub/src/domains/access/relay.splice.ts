import type { RawData, WebSocket } from 'ws';
import {
  decodeFrame,
  decodeSize,
  FrameType,
  RELAY_HEADER_BYTES,
  RELAY_MAX_DATA,
  RELAY_MAX_MESSAGE,
  RELAY_MAX_STREAMS,
} from '@outpost/protocol';
import { headOf, tailOf, type RelayWire } from '@outpost/protocol/node';
import type { Recorder } from './session-recorder.js';

type Leg = 'operator' | 'device';

// The endpoints' credit windows (RELAY_WINDOW per stream and direction) bound what is in flight;
// these bound what the hub itself queues towards a slow leg even if an endpoint ignores its window.
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

export interface Splice {
  frame(from: Leg, data: RawData): void;
  /**
   * One binary message as slices of what the leg's socket read (the wire's receive path); `release`
   * gives their memory back to the wire once they are forwarded or copied.
   */
  frameParts(from: Leg, parts: Buffer[], length: number, release: () => void): void;
  counters(): { toDevice: number; fromDevice: number; streams: number };
  finish(): Promise<{ kind: 'asciicast' | 'pcap'; path: string; sha256: string; bytes: number } | null>;
}

const noop = () => undefined;

function toBuffer(d: RawData): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (Array.isArray(d)) return Buffer.concat(d);
  return Buffer.from(d);
}

/**
 * Joins the two legs of a session: checks each frame against the relay protocol, counts and
 * records what passes, and forwards it with backpressure (a leg whose peer is not draining is
 * paused, so its TCP window closes and the sender slows down).
 */
export function createSplice(o: {
  operator: WebSocket;
  device: WebSocket;
  /** Each leg's data path: frames are forwarded as the slices they arrived in, never joined. */
  wires: Record<Leg, RelayWire>;
  terminal: boolean;
  recorder: Recorder | null;
  onViolation(leg: Leg, why: string): void;
}): Splice {
  const open = new Set<number>();
  let lastOpened = 0;
  const n = { toDevice: 0, fromDevice: 0, streams: 0 };

  function forward(from: Leg, parts: Buffer[], release: () => void) {
    const [src, dst] = from === 'operator' ? [o.operator, o.device] : [o.device, o.operator];
    // The write's callback comes once the bytes are encrypted and out: only then may the slices be reused.
    const sent = o.wires[from === 'operator' ? 'device' : 'operator'].send(null, parts, () => {
      release();
      if (src.isPaused && dst.bufferedAmount < LOW_WATER) src.resume();
    });
    if (!sent) release();
    else if (!src.isPaused && dst.bufferedAmount > HIGH_WATER) src.pause();
  }

  function check(from: Leg, type: FrameType, stream: number, payload: Uint8Array): boolean {
    const bad = from === 'operator' ? fromOperator(type, stream, payload) : fromDevice(type, stream, payload);
    if (bad) o.onViolation(from, bad);
    return !bad;
  }

  /** Counts a DATA frame's payload and hands it to the recorder (which only wants open streams). */
  function data(from: Leg, stream: number, bytes: number, payload: Uint8Array | null) {
    if (from === 'operator') n.toDevice += bytes;
    else n.fromDevice += bytes;
    if (!payload || !open.has(stream)) return;
    if (from === 'operator') o.recorder?.toDevice(stream, payload);
    else o.recorder?.fromDevice(stream, payload);
  }

  function fromOperator(type: FrameType, stream: number, payload: Uint8Array): string | null {
    switch (type) {
      case FrameType.Open:
        // Stream ids only grow, so a late frame of a closed stream can never land in a new one.
        if (stream <= lastOpened || open.size >= RELAY_MAX_STREAMS) return 'bad_stream';
        if (o.terminal && stream !== 1) return 'bad_stream';
        lastOpened = stream;
        open.add(stream);
        n.streams++;
        o.recorder?.opened(stream, decodeSize(payload));
        return null;
      case FrameType.Data:
        data('operator', stream, payload.length, payload);
        return null;
      case FrameType.Resize: {
        const size = decodeSize(payload);
        if (size) o.recorder?.resize(size.cols, size.rows);
        return null;
      }
      case FrameType.Close:
        if (open.delete(stream)) o.recorder?.closed(stream);
        return null;
      default:
        return null;
    }
  }

  function fromDevice(type: FrameType, stream: number, payload: Uint8Array): string | null {
    switch (type) {
      case FrameType.Data:
        data('device', stream, payload.length, payload);
        return null;
      case FrameType.Close:
        if (open.delete(stream)) o.recorder?.closed(stream);
        return null;
      case FrameType.Window:
        return null;
      default:
        // Only the operator opens streams and sizes terminals.
        return 'bad_frame';
    }
  }

  const splice: Splice = {
    frame(from, data) {
      const buf = toBuffer(data);
      const f = decodeFrame(buf);
      if (!f) return o.onViolation(from, 'bad_frame');
      if (check(from, f.type, f.stream, f.payload)) forward(from, [buf], noop);
    },
    frameParts(from, parts, length, release) {
      const head = headOf(parts, RELAY_HEADER_BYTES);
      const bytes = length - RELAY_HEADER_BYTES;
      // DATA, the bulk, is checked from its header and forwarded as it came; the rest is small, and copied.
      if (bytes < 0 || length > RELAY_MAX_MESSAGE || head[0] !== FrameType.Data || bytes > RELAY_MAX_DATA) {
        const whole = Buffer.concat(parts, length);
        release();
        return splice.frame(from, whole);
      }
      const stream = head.readUInt32BE(1);
      if (stream === 0) {
        release();
        return o.onViolation(from, 'bad_frame');
      }
      // The payload is joined (copied) only when a recorder keeps it.
      const kept = o.recorder && open.has(stream) ? Buffer.concat(tailOf(parts, RELAY_HEADER_BYTES), bytes) : null;
      data(from, stream, bytes, kept);
      forward(from, parts, release);
    },
    counters: () => ({ ...n }),
    async finish() {
      if (!o.recorder) return null;
      for (const s of open) o.recorder.closed(s);
      const r = await o.recorder.finish();
      return { kind: o.recorder.kind, ...r };
    },
  };
  return splice;
}
