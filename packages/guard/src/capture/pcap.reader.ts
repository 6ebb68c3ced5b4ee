import { MAX_RECORD, type CaptureFile, type CaptureRecord } from './capture-record.types.js';
import { readPcapng } from './pcapng.reader.js';

// Classic libpcap format (https://www.tcpdump.org/manpages/pcap-savefile.5.html) and pcapng
// (IETF draft-ietf-opsawg-pcapng). Pure: works on a byte array, never throws.

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads a whole capture file. `maxRecords` bounds the result (default 2 million). */
export function readCapture(bytes: Uint8Array, maxRecords = 2_000_000): CaptureFile {
  if (bytes.length < 4) return { format: 'unknown', records: [], error: 'too_short' };
  const dv = view(bytes);
  if (dv.getUint32(0, false) === PCAPNG_SHB) return readPcapng(bytes, maxRecords);
  const be = dv.getUint32(0, false);
  const le = dv.getUint32(0, true);
  if (be === MAGIC_US || be === MAGIC_NS) return readPcap(bytes, false, be === MAGIC_NS, maxRecords);
  if (le === MAGIC_US || le === MAGIC_NS) return readPcap(bytes, true, le === MAGIC_NS, maxRecords);
  return { format: 'unknown', records: [], error: 'unknown_magic' };
}

function readPcap(bytes: Uint8Array, little: boolean, nanos: boolean, maxRecords: number): CaptureFile {
  const dv = view(bytes);
  if (bytes.length < 24) return { format: 'pcap', records: [], error: 'truncated_header' };
  // The upper bits of the link-type field may carry FCS information; the type is the low 16 bits.
  const linkType = dv.getUint32(20, little) & 0xffff;
  const records: CaptureRecord[] = [];
  let off = 24;
  while (off < bytes.length && records.length < maxRecords) {
    if (off + 16 > bytes.length) return { format: 'pcap', records, error: 'truncated_record_header' };
    const sec = dv.getUint32(off, little);
    const frac = dv.getUint32(off + 4, little);
    const incl = dv.getUint32(off + 8, little);
    const orig = dv.getUint32(off + 12, little);
    if (incl > MAX_RECORD) return { format: 'pcap', records, error: 'record_too_large' };
    if (off + 16 + incl > bytes.length) return { format: 'pcap', records, error: 'truncated_record' };
    const ts = sec * 1000 + (nanos ? frac / 1e6 : frac / 1e3);
    records.push({
      number: records.length + 1,
      ts,
      linkType,
      originalLength: orig,
      data: bytes.subarray(off + 16, off + 16 + incl),
    });
    off += 16 + incl;
  }
  return { format: 'pcap', records };
}
