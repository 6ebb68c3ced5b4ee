import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, versionKey } from './version-order.js';
import { VERSION_ORDER_EXAMPLES } from './version-order.examples.js';

describe('version ordering', () => {
  it('orders the example table: each row newer than the one before, one row one release', () => {
    VERSION_ORDER_EXAMPLES.forEach((row, i) => {
      for (const a of row) for (const b of row) assert.equal(compareVersions(a, b), 0, `${a} = ${b}`);
      for (const older of VERSION_ORDER_EXAMPLES.slice(0, i).flat()) {
        assert.equal(compareVersions(older, row[0]), -1, `${older} < ${row[0]}`);
        assert.equal(compareVersions(row[0], older), 1, `${row[0]} > ${older}`);
      }
    });
  });

  it('2.1.0.9 < 2.1.0.10 < 2.1.1', () => {
    assert.ok(compareVersions('2.1.0.9', '2.1.0.10') < 0);
    assert.ok(compareVersions('2.1.0.10', '2.1.1') < 0);
    assert.ok(versionKey('2.1.0.9') < versionKey('2.1.0.10'));
  });

  it('sorts a shuffled list the way the table says', () => {
    const ordered = VERSION_ORDER_EXAMPLES.map((r) => r[0]);
    const shuffled = [...ordered].reverse();
    assert.deepEqual(shuffled.sort(compareVersions), ordered);
  });

  it('ignores a leading v, build metadata, case and leading zeros', () => {
    assert.equal(versionKey('v2.1.0'), versionKey('2.1.0'));
    assert.equal(versionKey('2.1.0+build.7'), versionKey('2.1.0'));
    assert.equal(versionKey('2.1.0-RC1'), versionKey('2.1.0-rc1'));
    assert.equal(versionKey('2.01.0'), versionKey('2.1.0'));
  });

  it('treats trailing zero segments as absent', () => {
    assert.equal(versionKey('2'), versionKey('2.0.0'));
    assert.ok(versionKey('2.1.0-rc1') < versionKey('2.1'));
    assert.ok(versionKey('2.1') < versionKey('2.1.0.1'));
    assert.equal(versionKey('0.0'), '0000000000#');
  });

  it('pads digit runs to ten places and keeps text segments (the stored key)', () => {
    assert.equal(versionKey('2.10.1'), '0000000002.0000000010.0000000001#');
    assert.equal(versionKey('1.x'), '0000000001.x#');
    assert.ok(versionKey('1.2b') < versionKey('1.10'));
  });
});
