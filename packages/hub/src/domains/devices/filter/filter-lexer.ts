import { FilterFault } from './filter-fault.js';

export type TokenType = 'word' | 'string' | 'op' | '(' | ')' | ',' | 'end';

export interface Token {
  type: TokenType;
  /** The word, operator, or the unescaped content of a string. */
  text: string;
  position: number;
  length: number;
}

const WORD_CHAR = /[A-Za-z0-9_.:/-]/;
const OPERATORS = ['!=', '<=', '>=', '=', '<', '>', '~'];
// Spellings from other languages, answered with the one this language uses.
const HINTS: ReadonlyArray<readonly [string, string]> = [
  ['==', '='],
  ['<>', '!='],
  ['&&', 'and'],
  ['||', 'or'],
  ['&', 'and'],
  ['|', 'or'],
  ['!', 'not'],
];

function readString(text: string, start: number): Token {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { type: 'string', text: out, position: start, length: i + 1 - start };
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') {
        const shown = next === undefined ? '\\' : `\\${next}`;
        throw FilterFault.syntax(
          `unsupported escape "${shown}" at position ${i} (only \\" and \\\\ are allowed)`,
          i,
          2,
        );
      }
      out += next;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw FilterFault.syntax(`unterminated string starting at position ${start}`, start, text.length - start);
}

function readWord(text: string, start: number): Token {
  // A leading "+" is only meaningful for relative times such as +30d.
  let i = text[start] === '+' ? start + 1 : start;
  while (i < text.length && WORD_CHAR.test(text[i])) i++;
  return { type: 'word', text: text.slice(start, i), position: start, length: i - start };
}

function readSymbol(text: string, start: number): Token {
  const op = OPERATORS.find((o) => text.startsWith(o, start));
  const hint = HINTS.find(([bad]) => text.startsWith(bad, start));
  if (hint && !(op && op.length >= hint[0].length)) {
    const [bad, good] = hint;
    throw FilterFault.syntax(`"${bad}" is not supported at position ${start}, use "${good}"`, start, bad.length);
  }
  if (op) return { type: 'op', text: op, position: start, length: op.length };
  const c = text[start];
  if (c === '(' || c === ')' || c === ',') return { type: c, text: c, position: start, length: 1 };
  throw FilterFault.syntax(`unexpected character "${c}" at position ${start}`, start, 1);
}

/** Splits filter text into tokens, ending with an `end` token at the text's length. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    let token: Token;
    if (c === '"') token = readString(text, i);
    else if (WORD_CHAR.test(c) || (c === '+' && WORD_CHAR.test(text[i + 1] ?? ''))) token = readWord(text, i);
    else token = readSymbol(text, i);
    tokens.push(token);
    i += token.length;
  }
  tokens.push({ type: 'end', text: '', position: text.length, length: 0 });
  return tokens;
}
