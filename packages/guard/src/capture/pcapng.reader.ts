import { MAX_RECORD, type CaptureFile, type CaptureRecord } from './capture-record.types.js';

// pcapng blocks (draft-ietf-opsawg-pcapng §4): type (4), total length (4), body, total length (4).
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const OBSOLETE_PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const MAX_INTERFACES = 1024;

interface Iface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
}

interface State {
  little: boolean;
  ifaces: Iface[];
  records: CaptureRecord[];
}

// if_tsresol (option 9): high bit clear = 10^-n, set = 2^-n seconds; default 10^-6.
function parseTsResolution(dv: DataView, start: number, end: number, little: boolean): number {
  let off = start;
  while (off + 4 <= end) {
    const code = dv.getUint16(off, little);
    const len = dv.getUint16(off + 2, little);
    if (code === 0) break;
    if (code === 9 && len >= 1 && off + 5 <= end) {
      const v = dv.getUint8(off + 4);
      const n = v & 0x7f;
      if (n > 30) return 1e6;
      return v & 0x80 ? 2 ** n : 10 ** n;
    }
    off += 4 + ((len + 3) & ~3);
  }
  return 1e6;
}

function readIdb(dv: DataView, off: number, len: number, st: State): void {
  if (len < 20 || st.ifaces.length >= MAX_INTERFACES) return;
  st.ifaces.push({
    linkType: dv.getUint16(off + 8, st.little),
    snapLen: dv.getUint32(off + 12, st.little),
    unitsPerSecond: parseTsResolution(dv, off + 16, off + len - 4, st.little),
  });
}

function pushRecord(
  st: State,
  bytes: Uint8Array,
  iface: Iface | undefined,
  ts: number,
  data: [number, number],
  orig: number,
): string | undefined {
  if (!iface) return 'unknown_interface';
  if (data[1] > MAX_RECORD) return 'record_too_large';
  st.records.push({
    number: st.records.length + 1,
    ts,
    linkType: iface.linkType,
    originalLength: orig,
    data: bytes.subarray(data[0], data[0] + data[1]),
  });
  return undefined;
}

function timestamp(dv: DataView, at: number, st: State, iface: Iface | undefined): number {
  const units = dv.getUint32(at, st.little) * 2 ** 32 + dv.getUint32(at + 4, st.little);
  return (units / (iface?.unitsPerSecond ?? 1e6)) * 1000;
}

function readPacketBlock(
  bytes: Uint8Array,
  dv: DataView,
  type: number,
  off: number,
  len: number,
  st: State,
): string | undefined {
  const body = off + 8;
  const bodyEnd = off + len - 4;
  if (type === EPB || type === OBSOLETE_PB) {
    if (len < 32) return 'bad_block';
    const ifId = type === EPB ? dv.getUint32(body, st.little) : dv.getUint16(body, st.little);
    const iface = st.ifaces[ifId];
    const cap = dv.getUint32(body + 12, st.little);
    if (body + 20 + cap > bodyEnd) return 'bad_block';
    return pushRecord(
      st,
      bytes,
      iface,
      timestamp(dv, body + 4, st, iface),
      [body + 20, cap],
      dv.getUint32(body + 16, st.little),
    );
  }
  if (len < 16) return 'bad_block';
  // SPB: no timestamp; captured length = min(original length, snap length, room in the block).
  const iface = st.ifaces[0];
  const orig = dv.getUint32(body, st.little);
  const cap = Math.min(orig, bodyEnd - (body + 4), iface?.snapLen || Infinity);
  return pushRecord(st, bytes, iface, 0, [body + 4, cap], orig);
}

function readSectionHeader(dv: DataView, off: number, bytes: Uint8Array, st: State): string | undefined {
  if (off + 12 > bytes.length) return 'truncated_block';
  const magic = dv.getUint32(off + 8, true);
  if (magic === BYTE_ORDER_MAGIC) st.little = true;
  else if (dv.getUint32(off + 8, false) === BYTE_ORDER_MAGIC) st.little = false;
  else return 'bad_byte_order_magic';
  st.ifaces = [];
  return undefined;
}

/** Reads a pcapng file (SHB, IDB, EPB, SPB and the obsolete PB). */
export function readPcapng(bytes: Uint8Array, maxRecords: number): CaptureFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const st: State = { little: true, ifaces: [], records: [] };
  let off = 0;
  while (off < bytes.length && st.records.length < maxRecords) {
    if (off + 12 > bytes.length) return { format: 'pcapng', records: st.records, error: 'truncated_block' };
    const type = dv.getUint32(off, st.little);
    if (type === SHB || dv.getUint32(off, false) === SHB) {
      const err = readSectionHeader(dv, off, bytes, st);
      if (err) return { format: 'pcapng', records: st.records, error: err };
    }
    const len = dv.getUint32(off + 4, st.little);
    if (len < 12 || len % 4 !== 0 || off + len > bytes.length)
      return { format: 'pcapng', records: st.records, error: 'bad_block_length' };
    let err: string | undefined;
    if (type === IDB) readIdb(dv, off, len, st);
    else if (type === EPB || type === SPB || type === OBSOLETE_PB) err = readPacketBlock(bytes, dv, type, off, len, st);
    if (err) return { format: 'pcapng', records: st.records, error: err };
    off += len;
  }
  return { format: 'pcapng', records: st.records };
}
