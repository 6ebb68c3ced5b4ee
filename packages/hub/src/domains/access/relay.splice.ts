import type { RawData, WebSocket } from 'ws';
import { decodeFrame, decodeSize, FrameType, RELAY_MAX_STREAMS } from '@outpost/protocol';
import type { Recorder } from './session-recorder.js';

type Leg = 'operator' | 'device';

// The endpoints' credit windows (RELAY_WINDOW per stream and direction) bound what is in flight;
// these bound what the hub itself queues towards a slow leg even if an endpoint ignores its window.
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

export interface Splice {
  frame(from: Leg, data: RawData): void;
  counters(): { toDevice: number; fromDevice: number; streams: number };
  finish(): Promise<{ kind: 'asciicast' | 'pcap'; path: string; sha256: string; bytes: number } | null>;
}

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
  terminal: boolean;
  recorder: Recorder | null;
  onViolation(leg: Leg, why: string): void;
}): Splice {
  const open = new Set<number>();
  let lastOpened = 0;
  const n = { toDevice: 0, fromDevice: 0, streams: 0 };

  function forward(src: WebSocket, dst: WebSocket, buf: Buffer) {
    if (dst.readyState !== dst.OPEN) return;
    dst.send(buf, { binary: true }, () => {
      if (src.isPaused && dst.bufferedAmount < LOW_WATER) src.resume();
    });
    if (!src.isPaused && dst.bufferedAmount > HIGH_WATER) src.pause();
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
        n.toDevice += payload.length;
        if (open.has(stream)) o.recorder?.toDevice(stream, payload);
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
        n.fromDevice += payload.length;
        if (open.has(stream)) o.recorder?.fromDevice(stream, payload);
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

  return {
    frame(from, data) {
      const buf = toBuffer(data);
      const f = decodeFrame(buf);
      if (!f) return o.onViolation(from, 'bad_frame');
      const bad =
        from === 'operator' ? fromOperator(f.type, f.stream, f.payload) : fromDevice(f.type, f.stream, f.payload);
      if (bad) return o.onViolation(from, bad);
      if (from === 'operator') forward(o.operator, o.device, buf);
      else forward(o.device, o.operator, buf);
    },
    counters: () => ({ ...n }),
    async finish() {
      if (!o.recorder) return null;
      for (const s of open) o.recorder.closed(s);
      const r = await o.recorder.finish();
      return { kind: o.recorder.kind, ...r };
    },
  };
}
