import { DATA_PREFIX, dataField } from './filter-data-fields.js';
import { buildCompare, buildContains, buildExists, buildIn, type FieldToken } from './filter-checks.js';
import { CELL_FIELDS, CELL_PREFIX, isCellField } from './filter-cell-fields.js';
import { isColumnField, isFlag, suggestField, TAG_KEY } from './filter-fields.js';
import { parseBbox, parseWithin } from './filter-geo.js';
import { FilterFault } from './filter-fault.js';
import { tokenize, type Token } from './filter-lexer.js';
import type { CompareOp, FilterAst, FilterError, FilterParseError, ParseResult } from './filter.types.js';

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 32;

const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'exists']);
const COMPARE_OPS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];

function isCompareOp(text: string): text is CompareOp {
  return COMPARE_OPS.includes(text);
}

function describe(t: Token): string {
  if (t.type === 'end') return 'the end of the filter';
  return t.type === 'string' ? `the string "${t.text}"` : `"${t.text}"`;
}

function isWord(t: Token, word: string): boolean {
  return t.type === 'word' && t.text.toLowerCase() === word;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i];
  }

  next(): Token {
    return this.tokens[this.i++];
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      throw FilterFault.syntax(
        `filter nests deeper than ${MAX_FILTER_DEPTH} levels at position ${at.position}`,
        at.position,
        at.length,
      );
    }
  }

  parseOr(): FilterAst {
    const items = [this.parseAnd()];
    while (isWord(this.peek(), 'or')) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private parseAnd(): FilterAst {
    const items = [this.parseNot()];
    while (isWord(this.peek(), 'and')) {
      this.next();
      items.push(this.parseNot());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private parseNot(): FilterAst {
    if (!isWord(this.peek(), 'not')) return this.parsePrimary();
    this.enter(this.next());
    const item = this.parseNot();
    this.depth--;
    return { kind: 'not', item };
  }

  private parsePrimary(): FilterAst {
    const t = this.peek();
    if (t.type === '(') return this.parseGroup(t);
    const lower = t.text.toLowerCase();
    if (t.type === 'word' && !KEYWORDS.has(lower)) {
      if (isFlag(lower)) {
        this.next();
        return { kind: 'flag', flag: lower };
      }
      return this.parseComparison(this.parseField());
    }
    throw FilterFault.syntax(
      `expected a field, a flag or "(" at position ${t.position}, found ${describe(t)}`,
      t.position,
      t.length,
    );
  }

  private parseGroup(open: Token): FilterAst {
    this.next();
    this.enter(open);
    const inner = this.parseOr();
    const close = this.peek();
    if (close.type !== ')') {
      throw FilterFault.syntax(
        `expected ")" to close "(" at position ${open.position}, found ${describe(close)} at position ${close.position}`,
        close.position,
        close.length,
      );
    }
    this.next();
    this.depth--;
    return inner;
  }

  private parseField(): FieldToken {
    const t = this.next();
    const lower = t.text.toLowerCase();
    const at = { position: t.position, length: t.length, label: t.text };
    if (lower.startsWith('tag.')) return { ...at, ...this.parseTagKey(t) };
    if (lower.startsWith(CELL_PREFIX)) {
      const key = lower.slice(CELL_PREFIX.length);
      if (isCellField(key)) return { ...at, label: lower, ref: { name: 'cell', key } };
      const known = Object.keys(CELL_FIELDS).map((k) => CELL_PREFIX + k);
      const message = `unknown field "${t.text}" at position ${t.position} (cell fields: ${known.join(', ')})`;
      throw FilterFault.of('filter_unknown_field', message, t.position, t.length);
    }
    if (lower.startsWith(DATA_PREFIX)) return { ...at, label: lower, ref: dataField(lower, t) };
    if (lower === 'group') return { ...at, label: 'group', ref: { name: 'group' } };
    if (isColumnField(lower)) return { ...at, label: lower, ref: { name: lower } };
    if (lower === 'tag') {
      throw FilterFault.syntax(`a tag needs a key, such as tag.site, at position ${t.position}`, t.position, t.length);
    }
    const hint = suggestField(t.text);
    const message = `unknown field "${t.text}" at position ${t.position}` + (hint ? ` (did you mean "${hint}"?)` : '');
    throw FilterFault.of('filter_unknown_field', message, t.position, t.length);
  }

  private parseTagKey(t: Token): Pick<FieldToken, 'ref' | 'label' | 'length'> {
    const key = t.text.slice(4);
    if (key !== '') {
      if (TAG_KEY.test(key)) return { ref: { name: 'tag', key }, label: `tag.${key}`, length: t.length };
      const message = `invalid tag key "${key}" at position ${t.position + 4}; quote it as tag."${key}"`;
      throw FilterFault.syntax(message, t.position + 4, key.length);
    }
    const quoted = this.peek();
    if (quoted.type !== 'string' || quoted.position !== t.position + t.length || quoted.text === '') {
      const at = t.position + t.length;
      throw FilterFault.syntax(`expected a tag key after "${t.text}" at position ${at}`, at, 0);
    }
    this.next();
    return { ref: { name: 'tag', key: quoted.text }, label: `tag."${quoted.text}"`, length: t.length + quoted.length };
  }

  private parseComparison(field: FieldToken): FilterAst {
    const ahead = this.peek();
    // `cell.roaming` alone reads as `cell.roaming = true`, like a flag.
    if (field.ref.name === 'cell' && CELL_FIELDS[field.ref.key].kind === 'bool' && ahead.type !== 'op') {
      if (!isWord(ahead, 'in') && !isWord(ahead, 'exists')) {
        const at = { position: field.position, length: field.length };
        return { kind: 'compare', field: field.ref, op: '=', value: { type: 'text', text: 'true', ...at } };
      }
    }
    if (field.ref.name === 'location' && isWord(ahead, 'within')) {
      this.next();
      return { kind: 'geo', area: parseWithin(this) };
    }
    if (field.ref.name === 'location' && isWord(ahead, 'in') && isWord(this.tokens[this.i + 1], 'bbox')) {
      this.i += 2;
      return { kind: 'geo', area: parseBbox(this) };
    }
    const t = this.next();
    if (isWord(t, 'in')) return buildIn(field, t, this.parseList(t));
    if (isWord(t, 'exists')) return buildExists(field, t);
    if (t.type === 'op' && t.text === '~') return buildContains(field, t, this.parseValue(t));
    if (t.type === 'op' && isCompareOp(t.text)) return buildCompare(field, t.text, t, this.parseValue(t));
    throw FilterFault.syntax(
      `expected an operator (=, !=, <, <=, >, >=, ~, in or exists) after "${field.label}" at position ${t.position}, ` +
        `found ${describe(t)}`,
      t.position,
      t.length,
    );
  }

  private parseList(keyword: Token): Token[] {
    const open = this.next();
    if (open.type !== '(') {
      throw FilterFault.syntax(
        `expected "(" after "${keyword.text}" at position ${open.position}`,
        open.position,
        open.length,
      );
    }
    const values = [this.parseValue(open)];
    while (this.peek().type === ',') values.push(this.parseValue(this.next()));
    const close = this.next();
    if (close.type !== ')') {
      const message =
        `expected "," or ")" in the list opened at position ${open.position}, ` +
        `found ${describe(close)} at position ${close.position}`;
      throw FilterFault.syntax(message, close.position, close.length);
    }
    return values;
  }

  private parseValue(after: Token): Token {
    const t = this.peek();
    if (t.type === 'string' || (t.type === 'word' && !KEYWORDS.has(t.text.toLowerCase()))) return this.next();
    throw FilterFault.syntax(`expected a value after "${after.text}" at position ${t.position}`, t.position, t.length);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.type === 'end') return;
    const message =
      t.type === ')'
        ? `unmatched ")" at position ${t.position}`
        : `unexpected ${describe(t)} at position ${t.position}; expected "and", "or" or the end of the filter`;
    throw FilterFault.syntax(message, t.position, t.length);
  }
}

function asParseError(e: FilterError): FilterParseError {
  if (e.code === 'filter_syntax' || e.code === 'filter_unknown_field') return { ...e, code: e.code };
  return { ...e, code: 'filter_syntax' };
}

/** Parses and type-checks a device filter. Never throws: problems come back as a positioned error. */
export function parseFilter(text: string): ParseResult {
  if (text.length > MAX_FILTER_LENGTH) {
    const message = `filter is too long: ${text.length} characters, at most ${MAX_FILTER_LENGTH}`;
    return { ok: false, error: { code: 'filter_syntax', message, position: MAX_FILTER_LENGTH } };
  }
  try {
    const tokens = tokenize(text);
    if (tokens.length === 1) throw FilterFault.syntax('filter is empty', 0, 0);
    const parser = new Parser(tokens);
    const ast = parser.parseOr();
    parser.expectEnd();
    return { ok: true, ast };
  } catch (e) {
    if (e instanceof FilterFault) return { ok: false, error: asParseError(e.error) };
    throw e;
  }
}
