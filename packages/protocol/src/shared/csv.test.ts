import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, toCsv } from './csv.js';

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180 §2)', () => {
    assert.equal(
      toCsv([
        ['a', 'b,c'],
        ['say "hi"', 'x\ny'],
      ]),
      'a,"b,c"\r\n"say ""hi""","x\ny"\r\n',
    );
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    for (const s of ['=HYPERLINK("x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
      assert.ok(csvField(s).replace(/^"/, '').startsWith("'"), `${JSON.stringify(s)} -> ${csvField(s)}`);
    }
    assert.equal(csvField('=1+1'), "'=1+1");
    assert.equal(csvField('=A1,B1'), `"'=A1,B1"`);
  });

  it('writes numbers as numbers, absent values empty, lists space-separated, objects as JSON', () => {
    assert.equal(
      toCsv([[-3.5, 0, null, undefined, Number.NaN, true, ['a', 'b'], { k: 1 }]]),
      '-3.5,0,,,,true,a b,"{""k"":1}"\r\n',
    );
  });
});
