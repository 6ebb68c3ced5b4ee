import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from './filter-parser.js';
import type { FilterAst, FilterParseError } from './filter.types.js';

function ast(text: string): FilterAst {
  const r = parseFilter(text);
  if (!r.ok) assert.fail(`expected "${text}" to parse, got: ${r.error.message}`);
  return r.ast;
}

function error(text: string): FilterParseError {
  const r = parseFilter(text);
  if (r.ok) assert.fail(`expected "${text}" to fail`);
  return r.error;
}

describe('parseFilter: valid filters', () => {
  it('parses the canonical example into a flat and', () => {
    const a = ast('tag.site = "north" and model = "gw-200" and firmware < "2.1.0" and online');
    assert.equal(a.kind, 'and');
    assert.ok(a.kind === 'and');
    assert.equal(a.items.length, 4);
    assert.deepEqual(a.items[0], {
      kind: 'compare',
      field: { name: 'tag', key: 'site' },
      op: '=',
      value: { type: 'text', text: 'north', position: 11, length: 7 },
    });
    assert.deepEqual(a.items[3], { kind: 'flag', flag: 'online' });
  });

  it('binds "and" tighter than "or", and "not" tighter than both', () => {
    const a = ast('online or not offline and never_seen');
    assert.deepEqual(a, {
      kind: 'or',
      items: [
        { kind: 'flag', flag: 'online' },
        {
          kind: 'and',
          items: [
            { kind: 'not', item: { kind: 'flag', flag: 'offline' } },
            { kind: 'flag', flag: 'never_seen' },
          ],
        },
      ],
    });
  });

  it('honours parentheses', () => {
    const a = ast('(online or offline) and decommissioned');
    assert.ok(a.kind === 'and' && a.items[0].kind === 'or');
  });

  it('treats keywords, flags and field names case-insensitively', () => {
    assert.deepEqual(ast('ONLINE And Not Model Exists'), ast('online and not model exists'));
  });

  it('reads numbers, bare words, escapes and quoted tag keys', () => {
    const a = ast('tag."rack id" in (r1, "a \\"b\\" \\\\", 3.5)');
    assert.ok(a.kind === 'in' && a.field.name === 'tag');
    assert.equal(a.field.key, 'rack id');
    assert.deepEqual(
      a.values.map((v) => v.type),
      ['text', 'text', 'number'],
    );
    assert.ok(a.values[1].type === 'text');
    assert.equal(a.values[1].text, 'a "b" \\');
  });

  it('accepts tag keys with dots, colons and dashes', () => {
    const a = ast('tag.vendor:line.x-1 exists');
    assert.deepEqual(a, { kind: 'exists', field: { name: 'tag', key: 'vendor:line.x-1' } });
  });

  it('parses relative and absolute times for time fields', () => {
    const a = ast('last_seen < -24h and cert_expires < +30d and enrolled_at >= 2025-05-01');
    assert.ok(a.kind === 'and');
    const [seen, cert, enrolled] = a.items;
    assert.ok(seen.kind === 'compare' && seen.value.type === 'relative');
    assert.equal(seen.value.offsetMs, -24 * 3600e3);
    assert.ok(cert.kind === 'compare' && cert.value.type === 'relative');
    assert.equal(cert.value.offsetMs, 30 * 86400e3);
    assert.ok(enrolled.kind === 'compare' && enrolled.value.type === 'time');
    assert.equal(enrolled.value.iso, '2025-05-01T00:00:00.000Z');
  });

  it('normalises ISO date-times with offsets to UTC', () => {
    const a = ast('last_seen > "2025-05-01T12:00:00+02:00"');
    assert.ok(a.kind === 'compare' && a.value.type === 'time');
    assert.equal(a.value.iso, '2025-05-01T10:00:00.000Z');
  });

  it('lets flags and keywords-as-text be values', () => {
    const a = ast('presence in (online, NEVER_SEEN) and name = "and"');
    assert.ok(a.kind === 'and' && a.items[0].kind === 'in');
    assert.deepEqual(
      a.items[0].values.map((v) => (v.type === 'text' ? v.text : '')),
      ['online', 'never_seen'],
    );
  });

  it('allows ordering on any field when the value is numeric', () => {
    const a = ast('tag.floor >= 3 and name < 10');
    assert.ok(a.kind === 'and' && a.items[0].kind === 'compare');
    assert.equal(a.items[0].value.type, 'number');
  });

  it('strips slashes around group paths', () => {
    const a = ast('group = "/north/substation-7/"');
    assert.ok(a.kind === 'compare');
    assert.deepEqual(a.value, { type: 'text', text: 'north/substation-7', position: 8, length: 22 });
  });
});

describe('parseFilter: errors', () => {
  const cases: Array<[string, FilterParseError['code'], number, RegExp]> = [
    ['modle = "x"', 'filter_unknown_field', 0, /^unknown field "modle" at position 0 \(did you mean "model"\?\)$/],
    ['online and onlin', 'filter_unknown_field', 11, /did you mean "online"/],
    ['tgs.site = x', 'filter_unknown_field', 0, /did you mean "tag\.site"/],
    ['model = ', 'filter_syntax', 8, /^expected a value after "=" at position 8$/],
    ['tag.site = "north" and model =', 'filter_syntax', 30, /expected a value after "="/],
    ['model = and', 'filter_syntax', 8, /expected a value after "="/],
    ['model', 'filter_syntax', 5, /expected an operator .* after "model" at position 5/],
    ['model = "gw', 'filter_syntax', 8, /unterminated string starting at position 8/],
    ['name = "a\\n"', 'filter_syntax', 9, /unsupported escape "\\n"/],
    ['(online or offline', 'filter_syntax', 18, /expected "\)" to close "\(" at position 0/],
    ['online)', 'filter_syntax', 6, /unmatched "\)"/],
    ['online offline', 'filter_syntax', 7, /unexpected "offline" at position 7/],
    ['and online', 'filter_syntax', 0, /expected a field, a flag or "\(" at position 0/],
    ['model == x', 'filter_syntax', 6, /"==" is not supported .* use "="/],
    ['online && offline', 'filter_syntax', 7, /use "and"/],
    ['name # x', 'filter_syntax', 5, /unexpected character "#"/],
    ['model in a', 'filter_syntax', 9, /expected "\(" after "in"/],
    ['model in (a b)', 'filter_syntax', 12, /expected "," or "\)"/],
    ['name < abc', 'filter_syntax', 7, /compares numbers, versions and times/],
    ['tag.site > north', 'filter_syntax', 11, /needs a number/],
    ['presence = busy', 'filter_syntax', 11, /presence is one of never_seen, online or offline/],
    ['presence < online', 'filter_syntax', 9, /presence supports only "=", "!=" and "in"/],
    ['group ~ north', 'filter_syntax', 6, /group supports only "=", "!=" and "in"/],
    ['group exists', 'filter_syntax', 6, /group supports only/],
    ['last_seen in (-1h)', 'filter_syntax', 10, /last_seen supports only/],
    ['last_seen < yesterday', 'filter_syntax', 12, /expected a time/],
    ['enrolled_at > 2025-02-30', 'filter_syntax', 14, /expected a time/],
    ['name = -24h', 'filter_syntax', 7, /relative times .* apply only to time fields/],
    ['tag.a/b = 1', 'filter_syntax', 4, /invalid tag key "a\/b"/],
    ['tag. = 1', 'filter_syntax', 4, /expected a tag key/],
    ['tag = 1', 'filter_syntax', 0, /a tag needs a key/],
    ['', 'filter_syntax', 0, /filter is empty/],
    ['   ', 'filter_syntax', 0, /filter is empty/],
  ];
  for (const [text, code, position, message] of cases) {
    it(`${JSON.stringify(text)} -> ${code} at ${position}`, () => {
      const e = error(text);
      assert.equal(e.code, code, e.message);
      assert.equal(e.position, position, e.message);
      assert.match(e.message, message);
    });
  }

  it('reports the span of an unknown field', () => {
    assert.deepEqual(error('online and modle = x'), {
      code: 'filter_unknown_field',
      message: 'unknown field "modle" at position 11 (did you mean "model"?)',
      position: 11,
      length: 5,
    });
  });

  it('bounds the input length', () => {
    const long = `name = "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
    const e = error(long);
    assert.equal(e.position, MAX_FILTER_LENGTH);
    assert.match(e.message, /too long.*at most 4096/);
    assert.ok(parseFilter(`name = "${'x'.repeat(MAX_FILTER_LENGTH - 9)}"`).ok);
  });

  it('bounds nesting depth for parentheses and not', () => {
    const ok = `${'('.repeat(MAX_FILTER_DEPTH)}online${')'.repeat(MAX_FILTER_DEPTH)}`;
    assert.ok(parseFilter(ok).ok);
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}online${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    const e = error(deep);
    assert.equal(e.position, MAX_FILTER_DEPTH);
    assert.match(e.message, /nests deeper than 32 levels/);
    const nots = error(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}online`);
    assert.equal(nots.position, MAX_FILTER_DEPTH * 4);
  });

  it('never throws on hostile input', () => {
    for (const text of ['(((((', '"', '\\', 'tag."', ')))', 'not', 'x in (', '+', '+5', 'name = +x', '\u0000']) {
      const r = parseFilter(text);
      assert.equal(r.ok, false, text);
    }
  });
});
