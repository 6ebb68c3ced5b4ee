import { TcpFlags } from './packet.decoder.js';

export type SegmentVerdict =
  | { kind: 'data'; payload: Uint8Array; /** Bytes are missing before this data: start afresh. */ gap: boolean }
  | { kind: 'skip'; reason: 'empty' | 'retransmission' };

/**
 * Orders one direction of a TCP connection from a capture: contiguous data is passed on,
 * retransmitted bytes are dropped (overlaps trimmed), and a jump forward (segment not
 * captured) is flagged as a gap so the caller can restart its parser there. Out-of-order
 * segments arriving late are treated as retransmissions; captures rarely need more.
 */
export class TcpDirectionTracker {
  private next: number | undefined;

  accept(seq: number, flags: number, payload: Uint8Array): SegmentVerdict {
    // A SYN consumes one sequence number; data carried by a SYN starts after it.
    const start = flags & TcpFlags.SYN ? (seq + 1) >>> 0 : seq;
    if (flags & TcpFlags.SYN) this.next = start;
    if (payload.length === 0) return { kind: 'skip', reason: 'empty' };
    if (this.next === undefined) {
      this.next = (start + payload.length) >>> 0;
      return { kind: 'data', payload, gap: true };
    }
    const diff = (start - this.next) | 0;
    if (diff === 0) {
      this.next = (start + payload.length) >>> 0;
      return { kind: 'data', payload, gap: false };
    }
    if (diff > 0) {
      this.next = (start + payload.length) >>> 0;
      return { kind: 'data', payload, gap: true };
    }
    if (diff + payload.length <= 0) return { kind: 'skip', reason: 'retransmission' };
    this.next = (start + payload.length) >>> 0;
    return { kind: 'data', payload: payload.subarray(-diff), gap: false };
  }
}
