import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../shared/prng.fixture.js';
import { canonicalJson } from '@outpost/protocol';
import { verifyGrant } from './grant.signature.js';
import { evaluatePolicy } from './policy.engine.js';
import { GrantBook } from './grant.book.js';
import { grant, testKeys } from './policy.fixture.js';
import type { GuardPolicy } from './policy.types.js';
import type { GuardClass, GuardRequest, RegisterTable } from '../shared/guard.types.js';
import { ConsoleScanner } from '../events/console.scanner.js';

const keys = testKeys();

function randomValue(rng: Prng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 4 : 6)) {
    case 0:
      return rng.int(2) === 0 ? null : rng.next() > 0.5;
    case 1:
      return rng.pick([rng.int(70000), -1, 1.5, NaN, Infinity, 2 ** 60]);
    case 2:
      return Buffer.from(rng.bytes(rng.int(12))).toString('latin1');
    case 3:
      return undefined;
    case 4:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(5) }, () => [String(rng.int(20)), randomValue(rng, depth + 1)]),
      );
  }
}

// A value with no JSON form (Infinity, NaN) is never the signed grant.
function sameCanonical(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

test('verifyGrant never throws and only accepts the untouched grant', () => {
  const rng = new Prng(0x6a);
  const good = grant(keys);
  const fields = Object.keys(good);
  for (let i = 0; i < 1_500; i++) {
    const g: Record<string, unknown> = { ...good };
    const field = rng.pick(fields);
    g[field] = randomValue(rng);
    if (rng.int(5) === 0) delete g[field];
    const v = verifyGrant(rng.int(10) === 0 ? randomValue(rng) : g, keys.publicKey, 2_000, 'plc-1');
    if (!sameCanonical(g, good)) assert.equal(v.ok, false);
  }
});

test('canonicalJson is stable under key order', () => {
  const rng = new Prng(0x51);
  for (let i = 0; i < 2_000; i++) {
    const v = randomValue(rng);
    const shuffled = JSON.parse(
      JSON.stringify(v ?? null, (_k, x) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
      ),
    );
    assert.equal(canonicalJson(JSON.parse(JSON.stringify(v ?? null))), canonicalJson(shuffled));
  }
});

test('the policy engine never throws and never allows what enforce forbids', () => {
  const rng = new Prng(0x90);
  const book = new GrantBook([grant(keys, { start: 0, end: 99 })], keys.publicKey, 'plc-1');
  const classes: GuardClass[] = ['read', 'write', 'control', 'response', 'malformed', 'unknown'];
  const tables: RegisterTable[] = ['coil', 'discrete', 'holding', 'input'];
  for (let i = 0; i < 5_000; i++) {
    const req: GuardRequest = {
      protocol: rng.pick(['modbus', 'dnp3'] as const),
      unit: rng.int(4),
      fc: rng.int(256),
      class: rng.pick(classes),
      ranges: Array.from({ length: rng.int(3) }, () => ({
        table: rng.pick(tables),
        start: rng.int(200),
        count: 1 + rng.int(50),
        access: rng.pick(['read', 'write'] as const),
      })),
      framing: rng.pick(['tcp', 'rtu'] as const),
      transactionId: rng.int(65536),
    };
    const policy: GuardPolicy = {
      mode: 'enforce',
      readOnly: rng.int(2) === 0,
      onViolation: rng.pick(['exception', 'drop'] as const),
      version: 1,
      allowedClasses: (['read', 'write', 'control'] as const).filter(() => rng.int(2) === 0),
      ...(rng.int(2) ? { allowedUnits: [1, 2] } : {}),
      ...(rng.int(2) ? { addressRanges: [{ table: 'holding' as const, start: 0, end: 150 }] } : {}),
    };
    const d = evaluatePolicy(req, { master: 'm', nowMs: 2_000 }, policy, book);
    if (d.action === 'allow') {
      assert.ok((policy.allowedClasses as string[]).includes(req.class));
      if (policy.readOnly && req.class === 'write') assert.ok(d.grantIds && d.grantIds.length > 0);
    }
    if (req.class === 'malformed') assert.equal(d.response, undefined);
  }
});

test('the console scanner never throws on random bytes and stays bounded', () => {
  const rng = new Prng(0x7e);
  const s = new ConsoleScanner({ maxLine: 128 });
  const words = ['login: ', 'Password:', 'user=', 'pass=x ', '\r\n', '\x1b[0m', 'admin/secret ', '://a:b@'];
  for (let i = 0; i < 5_000; i++) {
    const chunk = rng.int(2) === 0 ? rng.bytes(rng.int(64)) : new TextEncoder().encode(rng.pick(words));
    for (const e of s.push(chunk, i)) assert.ok(e.type === 'guard.login_prompt' || e.type === 'guard.credential_seen');
  }
});
