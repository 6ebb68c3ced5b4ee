import type { Dnp3LinkFrame } from './dnp3.types.js';

// Transport function, IEEE 1815-2012 §8.2: one header octet per segment,
// FIN (0x80), FIR (0x40), SEQUENCE (6 bits, incremented modulo 64).
const FIN = 0x80;
const FIR = 0x40;
// §8.2.2 leaves the maximum fragment size to the device; 2048 octets is the usual default.
export const DEFAULT_MAX_FRAGMENT = 2048;
const DEFAULT_MAX_STREAMS = 32;

export type TransportResult =
  | { kind: 'none' }
  | { kind: 'partial'; fir: boolean; fin: boolean; seq: number }
  | { kind: 'fragment'; fir: boolean; fin: boolean; seq: number; data: Uint8Array }
  | { kind: 'error'; fir: boolean; fin: boolean; seq: number; reason: string };

interface Assembly {
  lastSeq: number;
  parts: Uint8Array[];
  size: number;
}

export interface TransportOptions {
  maxFragmentSize?: number;
  /** Concurrent source/destination pairs tracked; the oldest is dropped beyond this. */
  maxStreams?: number;
}

/** Reassembles application fragments from the link frames of one direction. */
export class Dnp3TransportReassembler {
  private readonly assemblies = new Map<string, Assembly>();
  private readonly maxSize: number;
  private readonly maxStreams: number;

  constructor(opts: TransportOptions = {}) {
    this.maxSize = opts.maxFragmentSize ?? DEFAULT_MAX_FRAGMENT;
    this.maxStreams = opts.maxStreams ?? DEFAULT_MAX_STREAMS;
  }

  reset(): void {
    this.assemblies.clear();
  }

  /** Feeds one link frame; only primary user-data frames (functions 3 and 4) carry segments. */
  push(frame: Dnp3LinkFrame): TransportResult {
    const carriesData = frame.primary && (frame.linkFunction === 3 || frame.linkFunction === 4);
    if (!carriesData || frame.userData.length === 0) return { kind: 'none' };
    const th = frame.userData[0];
    const seg = { fir: (th & FIR) !== 0, fin: (th & FIN) !== 0, seq: th & 0x3f };
    const key = `${frame.source}>${frame.destination}`;
    const payload = frame.userData.subarray(1);
    if (seg.fir) return this.begin(key, seg, payload);
    const asm = this.assemblies.get(key);
    if (!asm) return { kind: 'error', ...seg, reason: 'transport_no_first_segment' };
    // §8.2.1.3: a repeat of the previous sequence number is a duplicate and is ignored.
    if (seg.seq === asm.lastSeq) return { kind: 'error', ...seg, reason: 'transport_duplicate' };
    if (seg.seq !== ((asm.lastSeq + 1) & 0x3f)) {
      this.assemblies.delete(key);
      return { kind: 'error', ...seg, reason: 'transport_sequence' };
    }
    return this.append(key, asm, seg, payload);
  }

  private begin(key: string, seg: { fir: boolean; fin: boolean; seq: number }, payload: Uint8Array): TransportResult {
    // §8.2.1.2: a FIR segment discards any fragment in progress.
    this.assemblies.delete(key);
    if (this.assemblies.size >= this.maxStreams) {
      const oldest = this.assemblies.keys().next().value;
      if (oldest !== undefined) this.assemblies.delete(oldest);
    }
    const asm: Assembly = { lastSeq: seg.seq, parts: [], size: 0 };
    this.assemblies.set(key, asm);
    return this.append(key, asm, seg, payload);
  }

  private append(
    key: string,
    asm: Assembly,
    seg: { fir: boolean; fin: boolean; seq: number },
    payload: Uint8Array,
  ): TransportResult {
    asm.lastSeq = seg.seq;
    asm.size += payload.length;
    if (asm.size > this.maxSize) {
      this.assemblies.delete(key);
      return { kind: 'error', ...seg, reason: 'fragment_too_large' };
    }
    asm.parts.push(payload);
    if (!seg.fin) return { kind: 'partial', ...seg };
    this.assemblies.delete(key);
    const data = new Uint8Array(asm.size);
    let off = 0;
    for (const p of asm.parts) {
      data.set(p, off);
      off += p.length;
    }
    return { kind: 'fragment', ...seg, data };
  }
}
