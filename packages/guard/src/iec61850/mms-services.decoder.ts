import { berBoolean, berInteger, berText, childrenOf, isContext, type Tlv } from './ber.reader.js';
import { accessResults, accessSpecification, objectName } from './mms-access.decoder.js';
import { decodeDataList, type DataBudget } from './mms-data.decoder.js';
import { MAX_NAMES, MMS_SERVICES, type MmsMessage } from './mms.types.js';

// Bodies of the confirmed services and of informationReport. Each returns a reason when
// the body does not match its ASN.1 (the PDU row is then marked malformed), else undefined.

function named(m: MmsMessage, t: Tlv): void {
  m.serviceTag = t.tag;
  m.service = MMS_SERVICES[t.tag] ?? `service-${t.tag}`;
}

function kidsOf(b: Uint8Array, t: Tlv, max = 16): Tlv[] | string {
  if (!t.constructed) return 'mms_expected_constructed';
  const k = childrenOf(b, t, max);
  return k.ok ? k.items : k.reason;
}

// GetNameList-Request: objectClass [0] (basic [0] INTEGER), objectScope [1]
// (vmdSpecific [0] NULL | domainSpecific [1] Identifier | aaSpecific [2] NULL), continueAfter [2].
function getNameListRequest(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t);
  if (typeof kids === 'string') return kids;
  for (const k of kids) {
    if (isContext(k, 0)) {
      const cls = kidsOf(b, k, 1);
      if (typeof cls === 'string' || !cls[0]) return 'mms_bad_object_class';
      m.objectClass = berInteger(b, cls[0]);
    } else if (isContext(k, 1)) {
      const scope = kidsOf(b, k, 1);
      if (typeof scope === 'string' || !scope[0]) return 'mms_bad_object_scope';
      const s = scope[0];
      m.scope = s.tag === 1 ? berText(b, s) : s.tag === 0 ? 'vmd' : 'aa';
    } else if (isContext(k, 2)) {
      m.continueAfter = berText(b, k);
    }
  }
  return m.objectClass === undefined || m.scope === undefined ? 'mms_incomplete_get_name_list' : undefined;
}

function getNameListResponse(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t);
  if (typeof kids === 'string') return kids;
  const list = kids.find((k) => isContext(k, 0));
  if (!list) return 'mms_missing_identifiers';
  const ids = kidsOf(b, list, 65536);
  if (typeof ids === 'string') return ids;
  m.identifiers = ids.slice(0, MAX_NAMES).map((k) => berText(b, k));
  m.identifierCount = ids.length;
  const more = kids.find((k) => isContext(k, 1));
  // moreFollows BOOLEAN DEFAULT TRUE.
  m.moreFollows = more ? berBoolean(b, more) !== false : true;
  return undefined;
}

// Read-Request: specificationWithResult [0] OPTIONAL, variableAccessSpecification [1].
function readRequest(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t);
  if (typeof kids === 'string') return kids;
  const spec = kids.find((k) => isContext(k, 1));
  const inner = spec && kidsOf(b, spec, 1);
  if (!inner || typeof inner === 'string' || !inner[0]) return 'mms_missing_variable_access';
  const names = accessSpecification(b, inner[0]);
  if (typeof names === 'string') return names;
  m.objects = names;
  return undefined;
}

// Read-Response: variableAccessSpecification [0] OPTIONAL, listOfAccessResult [1].
function readResponse(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t);
  if (typeof kids === 'string') return kids;
  const results = kids.find((k) => isContext(k, 1));
  return results ? accessResults(b, results, m) : 'mms_missing_access_results';
}

// Write-Request: variableAccessSpecification, listOfData [0] (the second element).
function writeRequest(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t);
  if (typeof kids === 'string') return kids;
  if (kids.length !== 2 || !isContext(kids[1], 0)) return 'mms_bad_write_request';
  const names = accessSpecification(b, kids[0]);
  if (typeof names === 'string') return names;
  m.objects = names;
  const data = kidsOf(b, kids[1], 4096);
  if (typeof data === 'string') return data;
  const budget: DataBudget = { values: 0, truncated: false };
  const values = decodeDataList(b, data, budget);
  if (typeof values === 'string') return values;
  m.values = budget.values;
  return undefined;
}

// Write-Response: SEQUENCE OF CHOICE { failure [0] DataAccessError, success [1] NULL }.
function writeResponse(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t, 4096);
  if (typeof kids === 'string') return kids;
  const results: string[] = [];
  for (const k of kids) {
    if (isContext(k, 1)) results.push('ok');
    else if (isContext(k, 0)) results.push(`error:${berInteger(b, k) ?? '?'}`);
    else return 'mms_bad_write_result';
  }
  m.results = results.slice(0, MAX_NAMES);
  return undefined;
}

// GetVariableAccessAttributes-Request: CHOICE { name [0] ObjectName, address [1] }.
function attributesRequest(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t, 1);
  if (typeof kids === 'string' || !kids[0]) return 'mms_bad_attributes_request';
  if (!isContext(t, 0)) return undefined;
  const name = objectName(b, kids[0]);
  if (name === undefined) return 'mms_bad_object_name';
  m.objects = [name];
  return undefined;
}

// GetVariableAccessAttributes-Response: mmsDeletable [0], address [1] OPTIONAL, typeSpecification [2].
function attributesResponse(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = kidsOf(b, t);
  if (typeof kids === 'string') return kids;
  const del = kids.find((k) => isContext(k, 0));
  if (!del || !kids.some((k) => isContext(k, 2))) return 'mms_bad_attributes_response';
  m.deletable = berBoolean(b, del);
  return undefined;
}

type Body = (b: Uint8Array, t: Tlv, m: MmsMessage) => string | undefined;
const REQUESTS: Record<number, Body> = { 1: getNameListRequest, 4: readRequest, 5: writeRequest };
const RESPONSES: Record<number, Body> = { 1: getNameListResponse, 4: readResponse, 5: writeResponse };

export function decodeConfirmedRequest(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  if (t.cls !== 2) return 'mms_bad_service';
  named(m, t);
  // getVariableAccessAttributes is a CHOICE: its tag [6] is explicit around name/address.
  if (t.tag === 6) return attributesRequest(b, t.constructed ? (firstOf(b, t) ?? t) : t, m);
  return REQUESTS[t.tag]?.(b, t, m);
}

function firstOf(b: Uint8Array, t: Tlv): Tlv | undefined {
  const k = childrenOf(b, t, 1);
  return k.ok ? k.items[0] : undefined;
}

export function decodeConfirmedResponse(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  if (t.cls !== 2) return 'mms_bad_service';
  named(m, t);
  if (t.tag === 6) return attributesResponse(b, t, m);
  return RESPONSES[t.tag]?.(b, t, m);
}

// InformationReport [0]: variableAccessSpecification, listOfAccessResult [0] (the second).
export function decodeUnconfirmed(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  if (t.cls !== 2) return 'mms_bad_service';
  m.serviceTag = t.tag;
  m.service = t.tag === 0 ? 'informationReport' : t.tag === 1 ? 'unsolicitedStatus' : `unconfirmed-${t.tag}`;
  if (t.tag !== 0) return undefined;
  const kids = kidsOf(b, t);
  if (typeof kids === 'string') return kids;
  if (kids.length !== 2 || !isContext(kids[1], 0)) return 'mms_bad_information_report';
  const names = accessSpecification(b, kids[0]);
  if (typeof names === 'string') return names;
  m.objects = names;
  return accessResults(b, kids[1], m);
}
