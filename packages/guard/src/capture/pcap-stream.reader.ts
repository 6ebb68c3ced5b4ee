import { concatBytes } from '../shared/bytes.util.js';
import { MAX_RECORD, type CaptureRecord } from './capture-record.types.js';

// Classic libpcap read as it arrives (`tcpdump -U -w -` on a pipe): chunks in, whole records
// out. Holds at most one record header and body (MAX_RECORD) between chunks. pcapng is not
// read here: capture tools write classic pcap to a pipe unless asked otherwise.

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

export class PcapStreamReader {
  private buf: Uint8Array = new Uint8Array(0);
  private header: { little: boolean; nanos: boolean; linkType: number } | undefined;
  private count = 0;
  /** Set once the stream cannot be read further (bad magic, oversized record); later chunks are ignored. */
  error: string | undefined;

  get buffered(): number {
    return this.buf.length;
  }

  get records(): number {
    return this.count;
  }

  push(chunk: Uint8Array): CaptureRecord[] {
    if (this.error) return [];
    this.buf = concatBytes(this.buf, chunk);
    const out: CaptureRecord[] = [];
    if (!this.header && !this.readHeader()) return out;
    const h = this.header!;
    let off = 0;
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    while (off + 16 <= this.buf.length) {
      const incl = dv.getUint32(off + 8, h.little);
      if (incl > MAX_RECORD) {
        this.fail('record_too_large');
        return out;
      }
      if (off + 16 + incl > this.buf.length) break;
      const sec = dv.getUint32(off, h.little);
      const frac = dv.getUint32(off + 4, h.little);
      out.push({
        number: ++this.count,
        ts: sec * 1000 + (h.nanos ? frac / 1e6 : frac / 1e3),
        linkType: h.linkType,
        originalLength: dv.getUint32(off + 12, h.little),
        // A copy: the buffer is reused for the next chunk.
        data: this.buf.slice(off + 16, off + 16 + incl),
      });
      off += 16 + incl;
    }
    this.buf = this.buf.slice(off);
    return out;
  }

  private readHeader(): boolean {
    if (this.buf.length < 24) return false;
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset, 24);
    const be = dv.getUint32(0, false);
    const le = dv.getUint32(0, true);
    const little = le === MAGIC_US || le === MAGIC_NS;
    if (!little && be !== MAGIC_US && be !== MAGIC_NS) {
      this.fail(be === 0x0a0d0d0a ? 'pcapng_not_supported_on_stream' : 'unknown_magic');
      return false;
    }
    const magic = little ? le : be;
    this.header = { little, nanos: magic === MAGIC_NS, linkType: dv.getUint32(20, little) & 0xffff };
    this.buf = this.buf.slice(24);
    return true;
  }

  private fail(reason: string): void {
    this.error = reason;
    this.buf = new Uint8Array(0);
  }
}
