import { CELL_FIELDS } from './filter-cell-fields.js';
import { qualityValue } from './filter-data-fields.js';
import { COLUMN_FIELDS, PRESENCE_VALUES, type FieldKind } from './filter-fields.js';
import { FilterFault } from './filter-fault.js';
import type { Token } from './filter-lexer.js';
import { literalValue, timeValue, valueText } from './filter-values.js';
import type { CompareOp, FieldRef, FilterAst, FilterValue } from './filter.types.js';

/** A field as written, with where it was written. */
export interface FieldToken {
  ref: FieldRef;
  label: string;
  position: number;
  length: number;
}

type Kind = FieldKind | 'group' | 'tag' | 'number' | 'bool' | 'data' | 'quality';
type Operation = CompareOp | 'in' | '~' | 'exists';

const ORDERING: readonly string[] = ['<', '<=', '>', '>='];
const MEMBERSHIP_OPS: readonly Operation[] = ['=', '!=', 'in'];
const TIME_OPS: readonly Operation[] = ['=', '!=', '<', '<=', '>', '>=', 'exists'];
const BOOL_OPS: readonly Operation[] = ['=', '!=', 'exists'];
const NUMBER_OPS: readonly Operation[] = ['=', '!=', '<', '<=', '>', '>=', 'in', 'exists'];
const QUALITY_OPS: readonly Operation[] = ['=', '!=', 'in'];

function kindOf(ref: FieldRef): Kind {
  if (ref.name === 'group' || ref.name === 'tag') return ref.name;
  if (ref.name === 'cell') return CELL_FIELDS[ref.key].kind;
  if (ref.name === 'data') return ref.part === 'quality' ? 'quality' : 'data';
  return COLUMN_FIELDS[ref.name].kind;
}

function allowedOps(kind: Kind): readonly Operation[] | undefined {
  if (kind === 'group' || kind === 'presence') return MEMBERSHIP_OPS;
  if (kind === 'time') return TIME_OPS;
  if (kind === 'bool') return BOOL_OPS;
  if (kind === 'number' || kind === 'data') return NUMBER_OPS;
  if (kind === 'quality') return QUALITY_OPS;
  return undefined;
}

function checkOperation(field: FieldToken, op: Operation, at: Token): void {
  const allowed = allowedOps(kindOf(field.ref));
  if (!allowed || allowed.includes(op)) return;
  const list = allowed.map((o) => `"${o}"`);
  const last = list.pop();
  throw FilterFault.syntax(
    `${field.label} supports only ${list.join(', ')} and ${last}, not "${op}" at position ${at.position}`,
    at.position,
    at.length,
  );
}

function presenceValue(raw: Token): FilterValue {
  const text = raw.text.toLowerCase();
  if (PRESENCE_VALUES.includes(text)) return { type: 'text', text, position: raw.position, length: raw.length };
  throw FilterFault.syntax(
    `presence is one of never_seen, online or offline, not "${raw.text}" at position ${raw.position}`,
    raw.position,
    raw.length,
  );
}

function groupValue(raw: Token): FilterValue {
  // Paths are stored without leading or trailing slashes.
  const text = raw.text.replace(/^\/+|\/+$/g, '');
  if (text) return { type: 'text', text, position: raw.position, length: raw.length };
  throw FilterFault.syntax(`expected a group path at position ${raw.position}`, raw.position, raw.length);
}

function value(field: FieldToken, raw: Token): FilterValue {
  const kind = kindOf(field.ref);
  if (kind === 'time') return timeValue(raw, field.label);
  if (kind === 'presence') return presenceValue(raw);
  if (kind === 'group') return groupValue(raw);
  if (kind === 'quality') return qualityValue(raw);
  return literalValue(raw);
}

function checkOrdering(field: FieldToken, op: Token, v: FilterValue): void {
  const kind = kindOf(field.ref);
  if (kind === 'version' || kind === 'time' || v.type === 'number') return;
  throw FilterFault.syntax(
    `"${op.text}" compares numbers, versions and times; ${field.label} needs a number here, ` +
      `not "${valueText(v)}" at position ${v.position}`,
    v.position,
    v.length,
  );
}

export function buildCompare(field: FieldToken, op: CompareOp, at: Token, raw: Token): FilterAst {
  checkOperation(field, op, at);
  const v = value(field, raw);
  if (ORDERING.includes(op)) checkOrdering(field, at, v);
  return { kind: 'compare', field: field.ref, op, value: v };
}

export function buildIn(field: FieldToken, keyword: Token, raws: Token[]): FilterAst {
  checkOperation(field, 'in', keyword);
  return { kind: 'in', field: field.ref, values: raws.map((r) => value(field, r)) };
}

export function buildContains(field: FieldToken, op: Token, raw: Token): FilterAst {
  checkOperation(field, '~', op);
  const v = literalValue(raw);
  // Containment is textual, so a number-looking needle is just text.
  const text: FilterValue = { type: 'text', text: valueText(v), position: v.position, length: v.length };
  return { kind: 'contains', field: field.ref, value: text };
}

export function buildExists(field: FieldToken, keyword: Token): FilterAst {
  checkOperation(field, 'exists', keyword);
  return { kind: 'exists', field: field.ref };
}
