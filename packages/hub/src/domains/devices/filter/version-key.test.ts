import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { versionKey } from './version-key.js';

function sortByKey(versions: string[]): string[] {
  return [...versions].sort((a, b) => (versionKey(a) < versionKey(b) ? -1 : versionKey(a) > versionKey(b) ? 1 : 0));
}

describe('versionKey', () => {
  it('orders numeric segments numerically, not as text', () => {
    assert.ok(versionKey('2.9.0') < versionKey('2.10.0'));
    assert.ok(versionKey('2.9.1') < versionKey('2.10.0'));
    assert.ok(versionKey('10.0.0') > versionKey('9.99.99'));
  });

  it('sorts a pre-release before its release and after the previous release', () => {
    assert.ok(versionKey('2.1.0-rc1') < versionKey('2.1.0'));
    assert.ok(versionKey('2.0.9') < versionKey('2.1.0-rc1'));
    assert.ok(versionKey('2.1.0-rc2') < versionKey('2.1.0-rc10'));
    assert.ok(versionKey('2.1.0-alpha') < versionKey('2.1.0-beta'));
    assert.ok(versionKey('2.1.0') < versionKey('2.1.0.1'));
  });

  it('sorts a realistic list like semantic versions', () => {
    const shuffled = ['2.10.0', '1.0.0', '2.1.0', '2.1.0-rc1', '0.10.0', '2.9.0', '0.9.0', '3.0.0', '2.1.0-beta.2'];
    assert.deepEqual(sortByKey(shuffled), [
      '0.9.0',
      '0.10.0',
      '1.0.0',
      '2.1.0-beta.2',
      '2.1.0-rc1',
      '2.1.0',
      '2.9.0',
      '2.10.0',
      '3.0.0',
    ]);
  });

  it('ignores a leading v, build metadata, case and leading zeros', () => {
    assert.equal(versionKey('v2.1.0'), versionKey('2.1.0'));
    assert.equal(versionKey('2.1.0+build.7'), versionKey('2.1.0'));
    assert.equal(versionKey('2.1.0-RC1'), versionKey('2.1.0-rc1'));
    assert.equal(versionKey('2.01.0'), versionKey('2.1.0'));
  });

  it('treats trailing zero segments as absent', () => {
    assert.equal(versionKey('2.1'), versionKey('2.1.0'));
    assert.equal(versionKey('2'), versionKey('2.0.0'));
    assert.ok(versionKey('2.1.0-rc1') < versionKey('2.1'));
    assert.ok(versionKey('2.1') < versionKey('2.1.0.1'));
    assert.equal(versionKey('0.0'), '0000000000#');
  });

  it('pads digit runs to ten places and keeps text segments', () => {
    assert.equal(versionKey('2.10.1'), '0000000002.0000000010.0000000001#');
    assert.equal(versionKey('1.x'), '0000000001.x#');
    assert.ok(versionKey('1.2b') < versionKey('1.10'));
  });
});
