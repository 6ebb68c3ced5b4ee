import { concatBytes, u16be } from '../shared/bytes.util.js';

// RFC 1006 on TCP port 102: TPKT (version 3, reserved, 16-bit length including the 4-octet
// header) carrying ISO 8073 COTP TPDUs (class 0). A COTP DT without the end-of-TSDU bit
// continues in the next DT: the pieces are joined up to MAX_TSDU.

/** Largest TSDU reassembled from DT pieces; an MMS PDU is negotiated far below this. */
export const MAX_TSDU = 64 * 1024;

export type CotpKind = 'CR' | 'CC' | 'DR' | 'DC' | 'DT' | 'ER' | 'other';

export type CotpItem =
  | {
      kind: 'tpdu';
      cotp: CotpKind;
      /** Complete TSDU (DT) or the user data of CR/CC. */ data: Uint8Array;
      bytes: number;
    }
  | { kind: 'malformed'; reason: string; bytes: number };

const KINDS: Record<number, CotpKind> = { 0xe0: 'CR', 0xd0: 'CC', 0x80: 'DR', 0xc0: 'DC', 0xf0: 'DT', 0x70: 'ER' };

/** Splits one direction of a port-102 stream into COTP TPDUs, DT pieces joined. */
export class TpktReassembler {
  private buf: Uint8Array = new Uint8Array(0);
  private tsdu: Uint8Array[] = [];
  private tsduBytes = 0;

  get buffered(): number {
    return this.buf.length + this.tsduBytes;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
    this.tsdu = [];
    this.tsduBytes = 0;
  }

  push(chunk: Uint8Array): CotpItem[] {
    this.buf = concatBytes(this.buf, chunk);
    const out: CotpItem[] = [];
    while (this.buf.length >= 4) {
      if (this.buf[0] !== 3 || this.buf[1] !== 0) {
        // Not a TPKT: the rest of the stream cannot be framed until the next gap.
        out.push({ kind: 'malformed', reason: 'tpkt_bad_version', bytes: this.buf.length });
        this.reset();
        break;
      }
      const len = u16be(this.buf, 2);
      if (len < 7) {
        out.push({ kind: 'malformed', reason: 'tpkt_bad_length', bytes: this.buf.length });
        this.reset();
        break;
      }
      if (this.buf.length < len) break;
      const item = this.tpdu(this.buf.subarray(4, len), len);
      this.buf = this.buf.slice(len);
      if (item) out.push(item);
    }
    return out;
  }

  private tpdu(t: Uint8Array, bytes: number): CotpItem | undefined {
    const li = t[0];
    if (li < 2 || li + 1 > t.length) return { kind: 'malformed', reason: 'cotp_bad_length_indicator', bytes };
    const cotp = KINDS[t[1] & 0xf0] ?? 'other';
    const data = t.subarray(li + 1);
    if (cotp === 'CR' || cotp === 'CC') return { kind: 'tpdu', cotp, data, bytes };
    if (cotp !== 'DT') return { kind: 'tpdu', cotp, data: new Uint8Array(0), bytes };
    this.tsduBytes += data.length;
    if (this.tsduBytes > MAX_TSDU) {
      this.tsdu = [];
      this.tsduBytes = 0;
      return { kind: 'malformed', reason: 'cotp_tsdu_too_large', bytes };
    }
    this.tsdu.push(Uint8Array.from(data));
    if ((t[2] & 0x80) === 0) return undefined;
    const whole = this.tsdu.length === 1 ? this.tsdu[0] : this.tsdu.reduce(concatBytes);
    this.tsdu = [];
    this.tsduBytes = 0;
    return { kind: 'tpdu', cotp, data: whole, bytes: whole.length };
  }
}
