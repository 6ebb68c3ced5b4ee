import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signGrant, type UnsignedWriteGrant } from '@outpost/guard';
import {
  documentSigningBytes,
  endorsementBytes,
  type GuardKeyEndorsement,
  type GuardPolicyMessage,
} from '@outpost/protocol';
import { keyFingerprint } from './guard-key.util.js';
import { realClock, silentLogger } from '../core/ports.js';
import type { FeatureContext } from '../core/feature.js';
import { createGuardFeature, type GuardFeature } from './guard.feature.js';
import { createFileGuardState } from './guard-state.store.js';

// The guard feature with a fake agent context (events collected in memory) in front of a
// minimal Modbus TCP server: policy documents, grant trust, expiry on the agent's clock,
// persistence across a restart, and event rate limiting.

const DEVICE = 'plc-gw-7';
const w = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const writeReq = (tid: number, reg: number, value: number) =>
  Buffer.from([...w(tid), 0, 0, 0, 6, 1, 6, ...w(reg), ...w(value)]);

/** Answers FC 6 by storing and echoing, FC 3 with the stored registers. */
function fakePlc(regs: Map<number, number>): Promise<net.Server> {
  const server = net.createServer((s) => {
    s.on('data', (b: Buffer) => {
      const fc = b[7];
      const addr = b.readUInt16BE(8);
      if (fc === 6) {
        regs.set(addr, b.readUInt16BE(10));
        s.write(b.subarray(0, 12));
      } else if (fc === 3) {
        const n = b.readUInt16BE(10);
        const data = Array.from({ length: n }, (_, i) => w(regs.get(addr + i) ?? 0)).flat();
        s.write(Buffer.from([b[0], b[1], 0, 0, ...w(3 + 2 * n), b[6], 3, 2 * n, ...data]));
      }
    });
    s.on('error', () => undefined);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

function exchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      resolve(Buffer.alloc(0));
    }, 1500);
    s.once('data', (d: Buffer) => {
      clearTimeout(timer);
      s.destroy();
      resolve(d);
    });
    s.on('error', () => undefined);
  });
}

interface Collected {
  type: string;
  severity: string;
  data: Record<string, unknown>;
}

function fakeContext(events: Collected[]): FeatureContext {
  return {
    deviceId: DEVICE,
    clock: realClock,
    logger: silentLogger,
    online: () => true,
    publish: async () => undefined,
    emit: async (type, severity, data) => void events.push({ type, severity, data: data ?? {} }),
  };
}

async function until<T>(fn: () => T | undefined | false, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('guard feature', () => {
  const hub = generateKeyPairSync('ed25519');
  const hubPem = hub.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-guard-feature-'));
  const regs = new Map<number, number>();
  let plc: net.Server;
  let skew = 0;
  const now = () => Date.now() + skew;
  let version = 1_000;
  const enforce = {
    mode: 'enforce' as const,
    allowedClasses: ['read' as const, 'write' as const],
    readOnly: true,
    onViolation: 'exception' as const,
    version: 4,
  };
  const grant = (over: Partial<UnsignedWriteGrant> = {}, key: KeyObject = hub.privateKey) =>
    signGrant(
      {
        id: 'grt_1',
        deviceId: DEVICE,
        unit: 1,
        table: 'holding',
        start: 5,
        end: 6,
        notBefore: now() - 1000,
        expiresAt: now() + 60_000,
        reason: 'retune',
        grantedBy: 'alice',
        ...over,
      },
      key,
    );
  // A document as the hub sends it: signed as a whole by the key it names (or by `signer`; null: unsigned).
  const doc = (over: Partial<GuardPolicyMessage> = {}, signer: KeyObject | null = hub.privateKey): Buffer => {
    const body: GuardPolicyMessage = {
      v: 1,
      deviceId: DEVICE,
      version: ++version,
      issuedAt: now(),
      policy: enforce,
      grants: [],
      guardKey: hubPem,
      ...over,
    };
    return Buffer.from(
      JSON.stringify(
        signer ? { ...body, signature: sign(null, documentSigningBytes(body), signer).toString('base64') } : body,
      ),
    );
  };
  const started: GuardFeature[] = [];

  async function start(opts: { trusted?: boolean; events: Collected[]; stateDir?: string }) {
    const f = createGuardFeature({
      guards: [
        {
          kind: 'modbus-tcp',
          listen: { host: '127.0.0.1', port: 0 },
          upstream: { host: '127.0.0.1', port: (plc.address() as net.AddressInfo).port },
        },
      ],
      state: createFileGuardState(join(dir, opts.stateDir ?? 'state')),
      trustedKeyPem: opts.trusted ? hubPem : undefined,
      now,
      tickMs: 50,
      limits: { windowMs: 60_000, burst: 3 },
    });
    started.push(f);
    const ctx = fakeContext(opts.events);
    await f.start!(ctx);
    const port = f.status().guards[0].address!.port;
    return { f, ctx, port, write: (reg: number, value: number) => exchange(port, writeReq(7, reg, value)) };
  }

  before(async () => {
    plc = await fakePlc(regs);
  });
  after(async () => {
    for (const f of started) await f.stop?.();
    await new Promise((r) => plc.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('pins the key of the first document, enforces its policy, honours and then expires its grant', async () => {
    const events: Collected[] = [];
    const { f, ctx, write } = await start({ events });
    assert.equal(f.status().key.source, 'none');
    assert.deepEqual(
      [...(await write(1, 11))],
      [0, 7, 0, 0, 0, 6, 1, 6, 0, 1, 0, 11],
      'the local monitor policy lets a write through',
    );

    await f.onMessage!('guard/policy', doc(), ctx);
    assert.equal(f.status().key.source, 'pinned');
    assert.deepEqual(
      [...(await write(5, 55))],
      [0, 7, 0, 0, 0, 3, 1, 0x86, 2],
      'enforce + read-only: ILLEGAL DATA ADDRESS',
    );
    assert.equal(regs.get(5), undefined);

    await f.onMessage!('guard/policy', doc({ grants: [grant()] }), ctx);
    assert.deepEqual(f.status().grants.active, ['grt_1']);
    assert.equal((await write(5, 55))[7], 6, 'granted write passes');
    assert.equal(regs.get(5), 55);

    skew += 61_000; // the agent's own clock passes the expiry; no word from the hub
    assert.equal((await write(5, 56))[7], 0x86);
    assert.equal(regs.get(5), 55);
    await until(() => events.find((e) => e.type === 'guard.grant_expired'));

    const types = events.map((e) => e.type);
    for (const t of [
      'guard.started',
      'guard.key_pinned',
      'guard.policy_applied',
      'guard.blocked',
      'guard.write',
      'guard.grant_expired',
    ])
      assert.ok(types.includes(t), t);
    const write5 = events.find(
      (e) => e.type === 'guard.write' && (e.data.grantIds as string[] | undefined)?.includes('grt_1'),
    );
    assert.ok(write5, 'the write names the grant that allowed it');
    await f.stop!();
  });

  test('after a restart without the hub, the saved document and pinned key still govern', async () => {
    const events: Collected[] = [];
    const { f, ctx, write } = await start({ events });
    assert.equal(f.status().key.source, 'pinned');
    assert.equal(f.status().policy.mode, 'enforce');
    assert.equal((await write(6, 1))[7], 0x86);
    // A replayed older document is ignored.
    const before = f.status().documentVersion;
    await f.onMessage!('guard/policy', doc({ version: 5, policy: null }), ctx);
    assert.equal(f.status().documentVersion, before);
    assert.equal(f.status().policy.mode, 'enforce');
    // The next document from the hub brings a new grant.
    await f.onMessage!('guard/policy', doc({ grants: [grant({ id: 'grt_2' })] }), ctx);
    assert.equal((await write(6, 66))[7], 6);
    await f.stop!();
    assert.ok(events.some((e) => e.type === 'guard.policy_applied' && e.data.origin === 'disk'));
  });

  test('a forged grant and a document with another key are refused', async () => {
    const events: Collected[] = [];
    const { f, ctx, write } = await start({ events, trusted: true });
    const attacker = generateKeyPairSync('ed25519');
    const attackerPem = attacker.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await f.onMessage!('guard/policy', doc({ grants: [grant({ id: 'grt_forged' }, attacker.privateKey)] }), ctx);
    assert.deepEqual(f.status().grants.refused, [{ id: 'grt_forged', reason: 'bad_signature' }]);
    const applied = f.status().documentVersion;
    // A whole document from another key, signed by it: refused as a whole, nothing changes.
    await f.onMessage!(
      'guard/policy',
      doc(
        { guardKey: attackerPem, policy: null, grants: [grant({ id: 'grt_forged2' }, attacker.privateKey)] },
        attacker.privateKey,
      ),
      ctx,
    );
    // The trusted key named, but the content changed after signing (policy loosened to monitor), or no signature.
    const signed = JSON.parse(doc().toString()) as GuardPolicyMessage;
    await f.onMessage!(
      'guard/policy',
      Buffer.from(JSON.stringify({ ...signed, policy: { ...enforce, mode: 'monitor' } })),
      ctx,
    );
    await f.onMessage!('guard/policy', doc({ policy: { ...enforce, readOnly: false } }, null), ctx);
    assert.equal(f.status().documentVersion, applied);
    assert.equal(f.status().policy.mode, 'enforce');
    assert.deepEqual(f.status().grants.refused, [{ id: 'grt_forged', reason: 'bad_signature' }]);
    assert.equal(f.status().key.source, 'enrollment');
    await until(
      () =>
        events
          .filter((e) => e.type === 'guard.policy_rejected' && e.severity === 'critical')
          .map((e) => e.data.reason)
          .join() === 'bad_signature,bad_signature,unsigned',
    );
    assert.equal((await write(5, 99))[7], 0x86);
    assert.notEqual(regs.get(5), 99);
    await until(() => events.find((e) => e.type === 'guard.key_mismatch' && e.severity === 'critical'));
    assert.equal(events.filter((e) => e.type === 'guard.grant_refused').length, 1);
    await f.onMessage!('guard/policy', Buffer.from('{"v":1}'), ctx);
    await f.onMessage!('guard/policy', doc({ deviceId: 'someone-else' }), ctx);
    await until(
      () => events.filter((e) => e.type === 'guard.policy_rejected' && e.severity === 'warning').length === 2,
    );
    await f.stop!();
  });

  test('follows a key rotation signed by the trusted key, keeps it across a restart, and refuses a chain signed by anyone else', async () => {
    const events: Collected[] = [];
    const { f, ctx, write } = await start({ events, trusted: true, stateDir: 'rotation' });
    const pemOf = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
    const endorse = (by: KeyObject, byPublic: KeyObject, next: KeyObject, issuedAt: number): GuardKeyEndorsement => {
      const body = { key: pemOf(next), previous: keyFingerprint(byPublic), issuedAt };
      return { ...body, signature: sign(null, endorsementBytes(body), by).toString('base64') };
    };
    // Two rotations while the device was away: hub → k1 → k2, each signed by the key before.
    const k1 = generateKeyPairSync('ed25519');
    const k2 = generateKeyPairSync('ed25519');
    const chain = [
      endorse(hub.privateKey, hub.publicKey, k1.publicKey, 1),
      endorse(k1.privateKey, k1.publicKey, k2.publicKey, 2),
    ];
    await f.onMessage!(
      'guard/policy',
      doc(
        {
          guardKey: pemOf(k2.publicKey),
          keyChain: chain,
          grants: [grant({ id: 'grt_k2', start: 7, end: 7 }, k2.privateKey)],
        },
        k2.privateKey,
      ),
      ctx,
    );
    assert.deepEqual(f.status().key, { source: 'rotated', fingerprint: keyFingerprint(k2.publicKey) });
    assert.deepEqual(f.status().grants.active, ['grt_k2']);
    assert.equal((await write(7, 77))[7], 6, 'a grant signed by the new key opens the write');
    const rotated = await until(() => events.find((e) => e.type === 'guard.key_rotated'));
    assert.deepEqual(rotated.data, { from: keyFingerprint(hub.publicKey), to: keyFingerprint(k2.publicKey), steps: 2 });
    // The old key no longer signs grants the device accepts.
    await f.onMessage!(
      'guard/policy',
      doc({ guardKey: pemOf(k2.publicKey), keyChain: chain, grants: [grant({ id: 'grt_old' })] }, k2.privateKey),
      ctx,
    );
    // …nor documents: one signed by the old key after the move is refused whole.
    await f.onMessage!('guard/policy', doc({ policy: null }), ctx);
    assert.equal(f.status().policy.mode, 'enforce');
    assert.deepEqual(f.status().grants.refused, [{ id: 'grt_old', reason: 'bad_signature' }]);
    await f.stop!();

    // Restarted with the same enrolled key: the rotation it followed still stands.
    const again = await start({ events: [], trusted: true, stateDir: 'rotation' });
    assert.deepEqual(again.f.status().key, { source: 'rotated', fingerprint: keyFingerprint(k2.publicKey) });
    // An attacker's key, "endorsed" by the attacker, or a chain that skips a link: refused, trust unchanged.
    const attacker = generateKeyPairSync('ed25519');
    const evil = [{ ...endorse(attacker.privateKey, k2.publicKey, attacker.publicKey, 3) }];
    await again.f.onMessage!(
      'guard/policy',
      doc(
        {
          guardKey: pemOf(attacker.publicKey),
          keyChain: evil,
          grants: [grant({ id: 'grt_evil', start: 8, end: 8 }, attacker.privateKey)],
        },
        attacker.privateKey,
      ),
      again.ctx,
    );
    const k3 = generateKeyPairSync('ed25519');
    await again.f.onMessage!(
      'guard/policy',
      doc(
        { guardKey: pemOf(k3.publicKey), keyChain: [endorse(k1.privateKey, k1.publicKey, k3.publicKey, 4)] },
        k3.privateKey,
      ),
      again.ctx,
    );
    assert.deepEqual(again.f.status().key, { source: 'rotated', fingerprint: keyFingerprint(k2.publicKey) });
    assert.equal((await again.write(8, 88))[7], 0x86);
    assert.notEqual(regs.get(8), 88);
    await again.f.stop!();
  });

  test('repeated violations are shipped as a burst and one summary', async () => {
    const events: Collected[] = [];
    const { f, write } = await start({ events, trusted: true });
    for (let i = 0; i < 12; i++) await write(9, i);
    await f.stop!();
    assert.equal(events.filter((e) => e.type === 'guard.blocked').length, 3);
    const summary = events.find((e) => e.type === 'guard.suppressed' && e.data.eventType === 'guard.blocked');
    assert.ok(summary, 'a summary of what was held back');
    assert.equal(summary.data.suppressed, 9);
    const sessions = events.filter((e) => e.type === 'guard.session');
    const byReason = new Map<unknown, number>();
    for (const e of sessions) byReason.set(e.data.closeReason, (byReason.get(e.data.closeReason) ?? 0) + 1);
    assert.ok(
      [...byReason.values()].every((n) => n <= 3),
      `session events are limited per close reason too: ${JSON.stringify([...byReason])}`,
    );
  });
});
