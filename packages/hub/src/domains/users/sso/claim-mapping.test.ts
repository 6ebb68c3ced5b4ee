import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClaimRule } from '../../../config/oidc-providers.js';
import { claimAt, isAllowed, mapClaims, providerProvedMfa } from './claim-mapping.js';

const rules: ClaimRule[] = [
  { claim: 'groups', value: 'ot-north-operators', role: 'operator', groups: ['north'] },
  { claim: 'groups', value: 'ot-south-operators', role: 'operator', groups: ['south', 'north'] },
  { claim: 'groups', value: 'ot-readers', role: 'viewer', groups: [] },
  { claim: 'realm_access.roles', value: 'outpost-admin', role: 'admin', groups: [] },
];

describe('claim mapping', () => {
  const table: Array<[string, Record<string, unknown>, ReturnType<typeof mapClaims>]> = [
    ['one group', { groups: ['ot-north-operators'] }, { role: 'operator', groups: ['north'], rules: [0] }],
    [
      'two rules of one role join their groups',
      { groups: ['ot-south-operators', 'ot-north-operators'] },
      { role: 'operator', groups: ['north', 'south'], rules: [0, 1] },
    ],
    [
      'a lesser role does not widen the confinement',
      { groups: ['ot-readers', 'ot-north-operators'] },
      { role: 'operator', groups: ['north'], rules: [0] },
    ],
    ['a whole-fleet rule', { groups: ['ot-readers'] }, { role: 'viewer', groups: [], rules: [2] }],
    ['a nested claim', { realm_access: { roles: ['outpost-admin'] } }, { role: 'admin', groups: [], rules: [3] }],
    ['a single string claim', { groups: 'ot-north-operators' }, { role: 'operator', groups: ['north'], rules: [0] }],
    ['no matching group', { groups: ['finance'] }, null],
    ['no claim at all', { sub: 'x' }, null],
    ['a value of another type', { groups: { 'ot-north-operators': true } }, null],
  ];
  for (const [name, claims, want] of table) it(name, () => assert.deepEqual(mapClaims(rules, claims), want));

  it('reads no inherited properties of a claim path', () => {
    assert.equal(claimAt({}, 'constructor'), undefined);
    assert.equal(claimAt({ a: 'x' }, 'a.length'), undefined);
  });
});

describe('allowed users and the provider second factor', () => {
  it('anchors the allowed-users pattern', () => {
    const allow = { claim: 'email', pattern: '[^@]+@north\\.example' };
    assert.equal(isAllowed(allow, { email: 'ann@north.example' }), true);
    assert.equal(isAllowed(allow, { email: 'ann@north.example.evil' }), false);
    assert.equal(isAllowed(allow, {}), false);
    assert.equal(isAllowed(undefined, {}), true);
  });

  it('takes amr or acr as proof of a second factor, as configured', () => {
    const mfa = { amr: ['otp', 'hwk'], acr: ['urn:mfa'] };
    assert.equal(providerProvedMfa(mfa, { amr: ['pwd', 'otp'] }), true);
    assert.equal(providerProvedMfa(mfa, { amr: ['pwd'], acr: 'urn:mfa' }), true);
    assert.equal(providerProvedMfa(mfa, { amr: ['pwd'], acr: '0' }), false);
    assert.equal(providerProvedMfa(undefined, { amr: ['otp'] }), false);
  });
});
