import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../../platform/errors.js';
import { activeOf, checkRetire, planRotation, servingOf, trustedOf, type CaStateRecord } from './ca-set.state.js';

const set = (...states: CaStateRecord['state'][]): CaStateRecord[] =>
  states.map((state, i) => ({ id: `ca-${i + 1}`, state }));
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof HubError ? err.code : (err as Error).message;
  }
  return 'no error';
};

describe('CA set states', () => {
  it('rotation names the next CA and retires the active one; the oldest trusted CA serves the hub', () => {
    const before = set('active');
    assert.deepEqual(planRotation(before), { newId: 'ca-2', retiringId: 'ca-1' });
    const during = set('retiring', 'active');
    assert.equal(activeOf(during).id, 'ca-2');
    assert.deepEqual(
      trustedOf(during).map((r) => r.id),
      ['ca-1', 'ca-2'],
    );
    assert.equal(servingOf(during).id, 'ca-1');
    const after = set('retired', 'active');
    assert.equal(servingOf(after).id, 'ca-2');
    assert.deepEqual(
      trustedOf(after).map((r) => r.id),
      ['ca-2'],
    );
    assert.deepEqual(planRotation(set('retired', 'retired', 'active')), { newId: 'ca-4', retiringId: 'ca-3' });
  });

  it('refuses a rotation past the limit of trusted CAs (ca_limit)', () => {
    assert.equal(
      code(() => planRotation(set('retiring', 'retiring', 'retiring', 'active'))),
      ErrorCode.CaLimit,
    );
  });

  it('refuses to retire the active CA, a retired one, an unknown one, or one with live certificates unless forced', () => {
    const s = set('retiring', 'active');
    assert.equal(
      code(() => checkRetire(s, 'ca-2', 0, false)),
      ErrorCode.CaActive,
    );
    assert.equal(
      code(() => checkRetire(set('retired', 'active'), 'ca-1', 0, true)),
      ErrorCode.CaRetired,
    );
    assert.equal(
      code(() => checkRetire(s, 'ca-9', 0, false)),
      ErrorCode.NotFound,
    );
    assert.equal(
      code(() => checkRetire(s, 'ca-1', 3, false)),
      ErrorCode.CaInUse,
    );
    assert.equal(
      code(() => checkRetire(s, 'ca-1', 3, true)),
      'no error',
    );
    assert.equal(
      code(() => checkRetire(s, 'ca-1', 0, false)),
      'no error',
    );
  });

  it('says how many certificates still depend on a CA it refuses to retire', () => {
    try {
      checkRetire(set('retiring', 'active'), 'ca-1', 7, false);
      assert.fail('retire was allowed');
    } catch (err) {
      assert.deepEqual((err as HubError).details, { liveCertificates: 7 });
      assert.match((err as Error).message, /^7 live certificate\(s\) still depend on CA ca-1/);
    }
  });

  it('refuses a set without exactly one active CA', () => {
    assert.match(
      code(() => activeOf(set('retiring', 'retiring'))),
      /exactly one active CA, it has 0/,
    );
    assert.match(
      code(() => activeOf(set('active', 'active'))),
      /exactly one active CA, it has 2/,
    );
  });
});
