import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteSize } from './byte-size.js';

describe('byte sizes on the command line', () => {
  it('reads decimal and binary units and plain bytes', () => {
    assert.equal(parseByteSize('5GB'), 5_000_000_000);
    assert.equal(parseByteSize('500 mb'), 500_000_000);
    assert.equal(parseByteSize('1.5GiB'), 1_610_612_736);
    assert.equal(parseByteSize('1024'), 1024);
  });
  it('refuses what is not a size, naming it', () => {
    assert.throws(() => parseByteSize('5 parsecs'), /"5 parsecs" is not a size/);
    assert.throws(() => parseByteSize('-1GB'), /is not a size/);
    assert.throws(() => parseByteSize('0'), /out of range/);
  });
});
