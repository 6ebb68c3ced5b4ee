import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adoptRoots,
  checkManifest,
  checkRoot,
  checkRotation,
  compareVersions,
  VERSION_ORDER_EXAMPLES,
  updateRootOf,
  walkRoots,
  type ManifestBody,
  type RootBody,
  type SignedRoot,
} from '../index.js';
import { generateReleaseKey, nodeTrustCrypto as c, signMetadata } from './release-keys.js';

const day = 86_400_000;
const keys = Array.from({ length: 4 }, () => generateReleaseKey());
function root(
  ks: typeof keys,
  o: { version?: number; threshold?: number; signers?: typeof keys; expires?: number } = {},
): SignedRoot {
  const body: RootBody = {
    type: 'root',
    version: o.version ?? 1,
    expires: new Date(o.expires ?? Date.now() + day).toISOString(),
    threshold: o.threshold ?? 1,
    keys: ks.map((k) => ({ keyid: k.keyid, publicKeyPem: k.publicKeyPem })),
  };
  return { signed: body, signatures: (o.signers ?? ks).map((k) => signMetadata(body, k.privateKeyPem)) };
}
const body = (over: Partial<ManifestBody> = {}): ManifestBody => ({
  type: 'manifest',
  name: 'fw',
  version: '2.0.0',
  kind: 'firmware',
  sha256: 'a'.repeat(64),
  length: 10,
  models: ['gw-200'],
  counter: 5,
  issuedAt: new Date().toISOString(),
  expires: new Date(Date.now() + day).toISOString(),
  ...over,
});
const ctx = (r: SignedRoot) => ({
  root: r.signed,
  now: Date.now(),
  model: 'gw-200',
  currentVersion: '1.0.0',
  counterFloor: 3,
});

test('a manifest needs a threshold of distinct trusted keys', () => {
  const r = root(keys.slice(0, 3), { threshold: 2 });
  const b = body();
  const sig = (k: (typeof keys)[number]) => signMetadata(b, k.privateKeyPem);
  assert.deepEqual(checkManifest({ signed: b, signatures: [sig(keys[0]), sig(keys[1])] }, ctx(r), c), { ok: true });
  // The same key twice counts once (TUF §5.3.4).
  assert.equal(
    (checkManifest({ signed: b, signatures: [sig(keys[0]), sig(keys[0])] }, ctx(r), c) as { reason: string }).reason,
    'threshold_not_met',
  );
  assert.equal(
    (checkManifest({ signed: b, signatures: [sig(keys[0]), sig(keys[3])] }, ctx(r), c) as { reason: string }).reason,
    'key_untrusted',
  );
  const forged = { keyid: keys[1].keyid, sig: sig(keys[2]).sig };
  assert.equal(
    (checkManifest({ signed: b, signatures: [sig(keys[0]), forged] }, ctx(r), c) as { reason: string }).reason,
    'signature_invalid',
  );
});

test('expiry, model, version, counter and minimum version are each refused by name', () => {
  const r = root(keys.slice(0, 1));
  const check = (over: Partial<ManifestBody>, cx = ctx(r)) => {
    const b = body(over);
    const res = checkManifest({ signed: b, signatures: [signMetadata(b, keys[0].privateKeyPem)] }, cx, c);
    return res.ok ? 'ok' : res.reason;
  };
  assert.equal(check({}), 'ok');
  assert.equal(check({ expires: new Date(Date.now() - 1000).toISOString() }), 'manifest_expired');
  assert.equal(check({ models: ['rtr-lte-5'] }), 'model_mismatch');
  assert.equal(check({ version: '0.9.9' }), 'version_older');
  assert.equal(check({ counter: 2 }), 'counter_rollback');
  assert.equal(check({ minVersion: '1.5.0' }), 'below_min_version');
  const expiredRoot = root(keys.slice(0, 1), { expires: Date.now() - 1000 });
  assert.equal(check({}, ctx(expiredRoot)), 'root_expired');
});

test('anti-rollback orders versions by the one table: older refused, same or newer accepted', () => {
  const r = root(keys.slice(0, 1));
  const rows = VERSION_ORDER_EXAMPLES;
  // One signed manifest per offered version (signing is the slow part).
  const signed = rows.map((row) => {
    const b = body({ version: row[0] });
    return { signed: b, signatures: [signMetadata(b, keys[0].privateKeyPem)] };
  });
  const check = (installed: string, offered: number) => {
    const res = checkManifest(signed[offered], { ...ctx(r), currentVersion: installed }, c);
    return res.ok ? 'ok' : res.reason;
  };
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < rows.length; j++) {
      for (const installed of rows[i]) {
        assert.equal(
          check(installed, j),
          j < i ? 'version_older' : 'ok',
          `installed ${installed}, offered ${rows[j][0]}`,
        );
      }
    }
  }
});

test('a root rotates only to the next version, signed by the old threshold and by its own', () => {
  const v1 = root(keys.slice(0, 2), { threshold: 2 });
  assert.deepEqual(checkRoot(v1, c), { ok: true });
  const next = root(keys.slice(2, 4), { version: 2, threshold: 1, signers: [keys[0], keys[1], keys[2]] });
  assert.deepEqual(checkRotation(v1.signed, next, c), { ok: true });
  const weak = root(keys.slice(2, 4), { version: 2, signers: [keys[0], keys[2]] });
  assert.equal((checkRotation(v1.signed, weak, c) as { reason: string }).reason, 'key_untrusted');
  const skip = root(keys.slice(2, 4), { version: 3, signers: [keys[0], keys[1], keys[2]] });
  assert.equal((checkRotation(v1.signed, skip, c) as { reason: string }).reason, 'root_version');
  const w = walkRoots(v1.signed, [next], c);
  assert.ok(w.ok && w.rotated && w.root.version === 2);
});

test('semantic versions compare by precedence', () => {
  assert.equal(compareVersions('2.10.0', '2.9.1'), 1);
  assert.equal(compareVersions('2.1.0-rc.1', '2.1.0'), -1);
  assert.equal(compareVersions('2.1.0-rc.2', '2.1.0-rc.10'), -1);
  assert.equal(compareVersions('1.0.0+build', '1.0.0'), 0);
});

test('a device without a root takes the oldest root sent only when it is self-signed, then walks the rest', () => {
  const v1 = root(keys.slice(0, 2), { threshold: 2 });
  const v2 = root(keys.slice(2, 4), { version: 2, signers: [keys[0], keys[1], keys[2]] });
  const taken = adoptRoots(null, [v2, v1], c);
  assert.ok(taken.ok && taken.rotated && taken.root.version === 2, JSON.stringify(taken));
  // A root its own keys did not sign (a hub making one up for keys it holds) is refused.
  const forged = { ...v1, signatures: [signMetadata(v1.signed, keys[3].privateKeyPem)] };
  const refused = adoptRoots(null, [forged], c);
  assert.equal(refused.ok ? 'ok' : refused.reason, 'key_untrusted');
  const half = root(keys.slice(0, 2), { threshold: 2, signers: [keys[0]] });
  assert.equal((adoptRoots(null, [half], c) as { reason: string }).reason, 'threshold_not_met');
  const none = adoptRoots(null, [], c);
  assert.equal(none.ok ? 'ok' : none.reason, 'no_trust_root');
  assert.match((none as { message: string }).message, /outpost artifacts trust set root\.json/);
  // A device that holds a root never replaces it by another self-signed one: it only walks rotations.
  const other = root(keys.slice(3, 4), { version: 2 });
  assert.equal((adoptRoots(v1.signed, [other], c) as { reason: string }).reason, 'key_untrusted');
});

test('hello says the root version a device holds', () => {
  assert.equal(updateRootOf(['ping', 'update-root:3']), 3);
  assert.equal(updateRootOf(['update-root:0']), 0);
  assert.equal(updateRootOf(['ping']), null);
  assert.equal(updateRootOf(['update-root:x']), null);
});
