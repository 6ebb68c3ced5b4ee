import type { GuardClass } from '../shared/guard.types.js';
import type { CaptureRecord } from '../capture/capture-record.types.js';
import { linkLayer } from '../capture/packet.decoder.js';
import type { InspectionRow } from '../capture/capture-row.types.js';
import type { RowBase } from '../capture/capture-row.builder.js';
import { decodeGoose, GOOSE_ETHERTYPE } from './goose.decoder.js';
import { decodeUpperLayers } from './iso-upper.decoder.js';
import { decodeMms } from './mms.decoder.js';
import type { MmsMessage } from './mms.types.js';
import type { CotpItem } from './tpkt.reassembler.js';

const mac = (d: Uint8Array, at: number) =>
  Array.from(d.subarray(at, at + 6), (x) => x.toString(16).padStart(2, '0')).join(':');

/** A GOOSE row for an Ethernet (or Linux cooked) frame with Ethertype 0x88B8; undefined otherwise. */
export function gooseRow(rec: CaptureRecord): InspectionRow | undefined {
  const link = linkLayer(rec.data, rec.linkType);
  if (!link.ok || link.ether !== GOOSE_ETHERTYPE) return undefined;
  // Ethernet: destination then source MAC. Linux cooked capture keeps the source at octet 6
  // too, and no destination.
  const src = mac(rec.data, 6);
  const dst = rec.linkType === 1 ? mac(rec.data, 0) : '';
  const row: InspectionRow = {
    frame: rec.number,
    ts: rec.ts,
    protocol: 'goose',
    transport: 'ethernet',
    direction: 'response',
    src,
    dst,
    ranges: [],
    bytes: rec.data.length - link.at,
  };
  const r = decodeGoose(rec.data.subarray(link.at));
  if (r.ok) Object.assign(row, { goose: r.goose, class: 'response' });
  else Object.assign(row, { malformed: r.reason, class: 'malformed' });
  return row;
}

const READS = new Set([
  'status',
  'getNameList',
  'identify',
  'read',
  'getVariableAccessAttributes',
  'getNamedVariableListAttributes',
  'fileOpen',
  'fileRead',
  'fileClose',
  'fileDirectory',
]);

/** What an MMS PDU does, in the guard's classes. */
export function classOfMms(m: MmsMessage): GuardClass {
  if (m.pdu === 'confirmed-request') {
    if (m.service && READS.has(m.service)) return 'read';
    // write, defineNamedVariableList, deleteNamedVariableList change the server; others are unnamed.
    return m.service && !m.service.startsWith('service-') ? 'write' : 'unknown';
  }
  if (m.pdu.startsWith('initiate') || m.pdu.startsWith('conclude') || m.pdu.startsWith('cancel')) return 'session';
  return 'response';
}

/** The rows of one COTP item on a port-102 stream: an MMS PDU, a connection PDU, or a fault. */
export function mmsRow(item: CotpItem, base: RowBase): InspectionRow {
  const row: InspectionRow = { ...base, protocol: 'mms', ranges: [], bytes: item.bytes };
  if (item.kind === 'malformed') return Object.assign(row, { malformed: item.reason, class: 'malformed' as const });
  if (item.cotp !== 'DT') return Object.assign(row, { iso: item.cotp, class: 'session' as const });
  const upper = decodeUpperLayers(item.data);
  if (!upper.ok) return Object.assign(row, { malformed: upper.reason, class: 'malformed' as const });
  if (!upper.mms) return Object.assign(row, { iso: upper.session, class: 'session' as const });
  const m = decodeMms(upper.mms.b, upper.mms.pdu);
  if (!m.ok) return Object.assign(row, { iso: upper.session, malformed: m.reason, class: 'malformed' as const });
  row.mms = m.mms;
  row.class = m.mms.malformed ? 'malformed' : classOfMms(m.mms);
  if (m.mms.malformed) row.malformed = m.mms.malformed;
  if (upper.session !== 'data') row.iso = upper.session;
  return row;
}
