import { berInteger, berText, childrenOf, isContext, type Tlv } from './ber.reader.js';
import { decodeData, type DataBudget } from './mms-data.decoder.js';
import { MAX_NAMES, type MmsMessage } from './mms.types.js';

// Object names, variable access specifications and access results (ISO 9506-2 §14).

export function objectName(b: Uint8Array, t: Tlv): string | undefined {
  if (t.cls !== 2) return undefined;
  if (t.tag === 0 && !t.constructed) return berText(b, t);
  if (t.tag === 2 && !t.constructed) return `@${berText(b, t)}`;
  if (t.tag !== 1 || !t.constructed) return undefined;
  const kids = childrenOf(b, t, 2);
  if (!kids.ok || kids.items.length !== 2) return undefined;
  return `${berText(b, kids.items[0])}/${berText(b, kids.items[1])}`;
}

// VariableAccessSpecification: listOfVariable [0] SEQUENCE OF SEQUENCE { variableSpecification
// (name [0] ObjectName | address [1] | …), alternateAccess [5] OPTIONAL }, or variableListName [1].
export function accessSpecification(b: Uint8Array, t: Tlv): string[] | string {
  if (isContext(t, 1)) {
    const kids = childrenOf(b, t, 1);
    const name = kids.ok && kids.items[0] ? objectName(b, kids.items[0]) : undefined;
    return name === undefined ? 'mms_bad_variable_list_name' : [`list:${name}`];
  }
  if (!isContext(t, 0)) return 'mms_bad_variable_access';
  const list = childrenOf(b, t, 4096);
  if (!list.ok) return list.reason;
  const names: string[] = [];
  for (const item of list.items.slice(0, MAX_NAMES)) {
    const spec = childrenOf(b, item, 2);
    const first = spec.ok ? spec.items[0] : undefined;
    if (!first || !isContext(first, 0)) {
      names.push('(address)');
      continue;
    }
    const inner = childrenOf(b, first, 1);
    const name = inner.ok && inner.items[0] ? objectName(b, inner.items[0]) : undefined;
    if (name === undefined) return 'mms_bad_object_name';
    names.push(name);
  }
  return names;
}

export function accessResults(b: Uint8Array, t: Tlv, m: MmsMessage): string | undefined {
  const kids = childrenOf(b, t, 4096);
  if (!kids.ok) return kids.reason;
  const budget: DataBudget = { values: 0, truncated: false };
  const results: string[] = [];
  for (const k of kids.items) {
    // AccessResult: failure [0] IMPLICIT DataAccessError, or success Data (other tags).
    if (isContext(k, 0) && !k.constructed) {
      results.push(`error:${berInteger(b, k) ?? '?'}`);
      continue;
    }
    const v = decodeData(b, k, budget);
    if (typeof v === 'string') return v;
    results.push('ok');
  }
  m.results = results.slice(0, MAX_NAMES);
  m.values = budget.values;
  return undefined;
}
