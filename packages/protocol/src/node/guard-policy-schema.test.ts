import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileValidator, GuardPolicyInput } from '../index.js';
import { GUARD_POLICY_SCHEMA_FILE, guardPolicyJsonSchema } from './guard-policy-schema.js';

test('the published guard policy JSON Schema is the one documents are checked with, and its example passes', () => {
  assert.equal(
    readFileSync(GUARD_POLICY_SCHEMA_FILE, 'utf8'),
    guardPolicyJsonSchema(),
    'docs/schemas/guard-policy.schema.json is stale: rewrite it with packages/protocol/src/node/guard-policy-schema.ts --write',
  );
  const example: unknown = JSON.parse(
    readFileSync(GUARD_POLICY_SCHEMA_FILE.replace('guard-policy.schema.json', 'guard-policy.example.json'), 'utf8'),
  );
  const v = compileValidator(GuardPolicyInput).check(example);
  assert.ok(v.ok, JSON.stringify(v));
  const bad = compileValidator(GuardPolicyInput).check({ ...(example as object), mode: 'block' });
  assert.equal(bad.ok, false);
});
