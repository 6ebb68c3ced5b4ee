import { childrenOf, berInteger, isContext, readTlv, type Tlv } from './ber.reader.js';
import { decodeUpperLayers } from './iso-upper.decoder.js';
import { decodeMms } from './mms.decoder.js';
import { decodeDataList, type DataBudget, type MmsValue } from './mms-data.decoder.js';
import { classOfMms } from './iec61850-row.builder.js';
import { referenceOf, type MmsReference } from './mms-reference.js';
import type { CotpItem } from './tpkt.reassembler.js';
import type { GuardClass } from '../shared/guard.types.js';

// What the MMS guard decides on: one client PDU from a port-102 stream, read down through
// COTP, session and presentation. The same function serves the live proxy and the capture
// inspector, so both see the same request.

export interface MmsRequest {
  invokeId: number;
  service: string;
  serviceTag: number;
  class: GuardClass;
  /** Object names as MMS carries them ("LD0/XCBR1$CO$Pos$Oper"), and their references. */
  names: string[];
  objects: MmsReference[];
  /** Write: the Data written, one per object. */
  written?: MmsValue[];
  /** Presentation context the PDU travelled in, for an error reply in the same one. */
  contextId: number;
}

export type MmsClientUnit =
  | { kind: 'request'; request: MmsRequest }
  /** Connection set-up and tear-down, initiate, conclude, cancel, reject: no policy question. */
  | { kind: 'session'; what: string }
  | { kind: 'malformed'; reason: string };

const DEFAULT_CONTEXT = 3;

// Fully-encoded user data [APPLICATION 1] → PDV-list SEQUENCE → presentation-context-identifier.
function contextIdOf(tsdu: Uint8Array): number {
  if (tsdu.length < 4) return DEFAULT_CONTEXT;
  const top = readTlv(tsdu, 4, tsdu.length);
  if (!top.ok) return DEFAULT_CONTEXT;
  const seq = childrenOf(tsdu, top.tlv, 4);
  const pdv = seq.ok ? seq.items[0] : undefined;
  const kids = pdv ? childrenOf(tsdu, pdv, 4) : undefined;
  const id = kids?.ok ? kids.items.find((k) => k.cls === 0 && k.tag === 2) : undefined;
  return (id && berInteger(tsdu, id)) ?? DEFAULT_CONTEXT;
}

// Write-Request: variableAccessSpecification, listOfData [0]: the Data items written.
function writtenValues(b: Uint8Array, pdu: Tlv): MmsValue[] | undefined {
  const inv = childrenOf(b, pdu, 8);
  const service = inv.ok ? inv.items[inv.items.length - 1] : undefined;
  const body = service ? childrenOf(b, service, 2) : undefined;
  const list = body?.ok ? body.items[1] : undefined;
  if (!list || !isContext(list, 0)) return undefined;
  const items = childrenOf(b, list, 64);
  if (!items.ok) return undefined;
  const budget: DataBudget = { values: 0, truncated: false };
  const v = decodeDataList(b, items.items, budget);
  return typeof v === 'string' ? undefined : v;
}

/** The client unit one COTP item carries. Never throws. */
export function mmsClientUnit(item: CotpItem): MmsClientUnit {
  if (item.kind === 'malformed') return { kind: 'malformed', reason: item.reason };
  if (item.cotp !== 'DT') return { kind: 'session', what: `cotp:${item.cotp}` };
  const upper = decodeUpperLayers(item.data);
  if (!upper.ok) return { kind: 'malformed', reason: upper.reason };
  if (!upper.mms) return { kind: 'session', what: `session:${upper.session}` };
  const m = decodeMms(upper.mms.b, upper.mms.pdu);
  if (!m.ok) return { kind: 'malformed', reason: m.reason };
  const mms = m.mms;
  if (mms.malformed) return { kind: 'malformed', reason: mms.malformed };
  if (mms.pdu !== 'confirmed-request') return { kind: 'session', what: `mms:${mms.pdu}` };
  const names = mms.objects ?? [];
  const request: MmsRequest = {
    invokeId: mms.invokeId ?? 0,
    service: mms.service ?? 'unknown',
    serviceTag: mms.serviceTag ?? -1,
    class: classOfMms(mms),
    names,
    objects: names.map(referenceOf),
    contextId: contextIdOf(item.data),
  };
  if (mms.service === 'write') {
    const written = writtenValues(upper.mms.b, upper.mms.pdu);
    if (!written) return { kind: 'malformed', reason: 'mms_bad_write_data' };
    request.written = written;
  }
  return { kind: 'request', request };
}
