import { concatBytes, u16be } from '../shared/bytes.util.js';

// Cuts one direction of a port-102 stream into whole TPKTs (RFC 1006 §6), octets unchanged,
// for a proxy that forwards or holds them one by one. At most one TPKT (64 KiB) is buffered.

export type TpktFrames = { frames: Uint8Array[]; error?: string };

export class TpktFramer {
  private buf: Uint8Array = new Uint8Array(0);
  private failed = false;

  get buffered(): number {
    return this.buf.length;
  }

  /** The whole TPKTs completed by `chunk`; after an error nothing more is framed. */
  push(chunk: Uint8Array): TpktFrames {
    if (this.failed) return { frames: [], error: 'tpkt_after_error' };
    this.buf = this.buf.length ? concatBytes(this.buf, chunk) : chunk;
    const frames: Uint8Array[] = [];
    let at = 0;
    while (this.buf.length - at >= 4) {
      if (this.buf[at] !== 3 || this.buf[at + 1] !== 0) return this.fail(frames, 'tpkt_bad_version');
      const len = u16be(this.buf, at + 2);
      if (len < 7) return this.fail(frames, 'tpkt_bad_length');
      if (this.buf.length - at < len) break;
      frames.push(this.buf.slice(at, at + len));
      at += len;
    }
    this.buf = this.buf.slice(at);
    return { frames };
  }

  private fail(frames: Uint8Array[], error: string): TpktFrames {
    this.failed = true;
    this.buf = new Uint8Array(0);
    return { frames, error };
  }
}

/** Whether a TPKT carries a COTP DT that leaves its TSDU unfinished (no end-of-TSDU mark). */
export function continuesTsdu(frame: Uint8Array): boolean {
  return frame.length >= 7 && (frame[5] & 0xf0) === 0xf0 && (frame[6] & 0x80) === 0;
}
