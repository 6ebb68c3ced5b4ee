import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import {
  createFileGuardState,
  createGuardFeature,
  loadIdentity,
  realClock,
  silentLogger,
  type Agent,
  type FeatureContext,
  type GuardFeature,
} from '@outpost/agent';
import { signGrant } from '@outpost/guard';
import type { OutpostClient } from '@outpost/client';
import { documentSigningBytes, type GuardPolicyMessage } from '@outpost/protocol';
import {
  mbpoll,
  mbpollValues,
  pymodbusMissing,
  readHolding,
  startPlc,
  toolMissing,
  type Peer,
} from '../../agent/src/ot-guard/ot-guard.fixture.js';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';

// End to end: a real hub, a real agent running the guard feature over mutual TLS, a
// pymodbus server as the PLC and mbpoll as the SCADA master. The agent's guard clock can
// be moved forward (`skew`) to pass a grant's expiry without waiting for it.

const skip = pymodbusMissing() ?? toolMissing('mbpoll');

describe('OT guard end to end: hub, agent, pymodbus PLC, mbpoll', { skip }, () => {
  let t: TestHub;
  let operator: OutpostClient;
  let viewer: OutpostClient;
  let dev: EnrolledDevice;
  let plc: Peer;
  let plcPort = 0;
  let guardPort = 0;
  let feature: GuardFeature;
  let agent: Agent;
  let skew = 0;
  let grantId = '';

  const poll = (port: number, args: string[], values: number[] = []) =>
    mbpoll([
      '-m',
      'tcp',
      '-a',
      '1',
      '-t',
      '4',
      '-0',
      '-1',
      '-o',
      '1',
      '-p',
      String(port),
      ...args,
      '127.0.0.1',
      ...values.map(String),
    ]);
  const write = (reg: number, value: number) => poll(guardPort, ['-r', String(reg)], [value]);
  const hubEvents = async (type: string) => (await t.admin.guard.events({ deviceId: dev.id, type })).items;

  before(async () => {
    t = await startTestHub();
    [operator, viewer] = await Promise.all([t.userClient('operator'), t.userClient('viewer')]);
    dev = await enrollTestDevice(t, 'plc-gw-1');
    plc = await startPlc('tcp');
    plcPort = Number(plc.ready);
    const ident = await loadIdentity(dev.dir);
    feature = createGuardFeature({
      guards: [
        { kind: 'modbus-tcp', listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: plcPort } },
      ],
      trustedKeyPem: ident?.guardKeyPem,
      state: createFileGuardState(join(dev.dir, 'guard')),
      now: () => Date.now() + skew,
      tickMs: 100,
    });
    agent = startTestAgent(t, dev, { features: [feature] });
    await feature.ready();
    guardPort = feature.status().guards[0].address!.port;
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online');
  });

  after(async () => {
    await agent?.stop({ clean: true });
    plc?.stop();
    await t?.stop();
  });

  it('passes reads with the same results as a direct read', async () => {
    assert.equal(feature.status().key.source, 'enrollment');
    const direct = await poll(plcPort, ['-r', '0', '-c', '6']);
    const guarded = await poll(guardPort, ['-r', '0', '-c', '6']);
    assert.equal(guarded.code, 0, guarded.stdout);
    assert.deepEqual(mbpollValues(guarded.stdout), mbpollValues(direct.stdout));
    assert.deepEqual(mbpollValues(guarded.stdout).slice(0, 2), ['0=100', '1=101']);
    // The hub can ask the agent what its guards are doing.
    const cmd = await t.admin.devices.command(dev.id, 'guard-status', { wait: true });
    const st = cmd.result as { guards: Array<{ kind: string }>; key: { source: string }; source: string };
    assert.deepEqual([st.guards[0].kind, st.key.source, st.source], ['modbus-tcp', 'enrollment', 'local']);
  });

  it('enforce + read-only from the hub: a write gets an exception, the register is unchanged', async () => {
    const p = await operator.guard.setDevicePolicy(dev.id, {
      mode: 'enforce',
      allowedClasses: ['read', 'write'],
      readOnly: true,
      onViolation: 'exception',
    });
    await eventually(() => feature.status().policy.version === p.version);
    const applied = await eventually(async () => {
      const s = await viewer.guard.status(dev.id);
      return s.appliedVersion !== null && s.appliedVersion === s.documentVersion ? s : null;
    });
    assert.equal(applied.policy?.mode, 'enforce');
    const r = await write(5, 4242);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /illegal data address/i);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [105]);
  });

  it('a viewer cannot grant; an operator grants, the agent receives it, the same write succeeds', async () => {
    const req = {
      unit: 1,
      table: 'holding' as const,
      start: 5,
      end: 5,
      durationS: 900,
      reason: 'setpoint change, ticket 4711',
    };
    await assert.rejects(viewer.guard.grant(dev.id, req), (e: { status: number }) => e.status === 403);
    const g = await operator.guard.grant(dev.id, req);
    grantId = g.id;
    await eventually(() => feature.status().grants.active.includes(g.id));
    const r = await write(5, 4242);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [4242]);
    // Only the granted register: its neighbour stays closed.
    assert.notEqual((await write(6, 1)).code, 0);
    assert.deepEqual(await readHolding(plcPort, 6, 1), [106]);
  });

  it('after the grant expires on the agent clock, the write is blocked again', async () => {
    skew += 901_000;
    const r = await write(5, 4343);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /illegal data address/i);
    assert.deepEqual(await readHolding(plcPort, 5, 1), [4242]);
    const expired = await eventually(async () =>
      (await hubEvents('guard.grant_expired')).find((e) => e.data.grantId === grantId),
    );
    assert.equal(expired.data.table, 'holding');
  });

  it('refuses a document and grants signed by another key, even on its own device channel', async () => {
    const attacker = generateKeyPairSync('ed25519');
    const forged = signGrant(
      {
        id: 'grt_forged',
        deviceId: dev.id,
        unit: 1,
        table: 'holding',
        start: 0,
        end: 99,
        notBefore: Date.now() + skew - 1000,
        expiresAt: Date.now() + skew + 600_000,
        reason: 'trust me',
        grantedBy: 'admin',
      },
      attacker.privateKey,
    );
    const body: GuardPolicyMessage = {
      v: 1,
      deviceId: dev.id,
      version: (feature.status().documentVersion ?? 0) + 1,
      issuedAt: Date.now(),
      policy: { ...feature.status().policy, readOnly: false },
      grants: [forged],
      guardKey: attacker.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    const doc = { ...body, signature: sign(null, documentSigningBytes(body), attacker.privateKey).toString('base64') };
    // Only the hub can publish on `guard/policy`; handing the document to the feature directly
    // stands for a compromised path between them (an external broker, say).
    const before = feature.status().documentVersion;
    const ctx = { deviceId: dev.id, clock: realClock, logger: silentLogger } as FeatureContext;
    await feature.onMessage!('guard/policy', Buffer.from(JSON.stringify(doc)), ctx);
    assert.equal(feature.status().documentVersion, before, 'the whole document is refused');
    assert.equal(feature.status().policy.readOnly, true);
    assert.notEqual((await write(7, 7)).code, 0);
    assert.deepEqual(await readHolding(plcPort, 7, 1), [107]);
    await eventually(
      async () =>
        (await hubEvents('guard.key_mismatch')).length === 1 &&
        (await hubEvents('guard.policy_rejected')).some((e) => e.data.reason === 'bad_signature'),
    );
  });

  it('shows what happened through the hub API: blocked requests, granted writes, sessions', async () => {
    const blocked = await eventually(async () => {
      const items = await hubEvents('guard.blocked');
      return items.length >= 3 ? items : null;
    });
    assert.ok(
      blocked.every(
        (e) => e.data.reason === 'ungranted_write' && e.data.master === '127.0.0.1' && e.severity === 'warning',
      ),
    );
    const writes = await eventually(async () =>
      (await hubEvents('guard.write')).filter((e) => (e.data.grantIds as string[] | undefined)?.includes(grantId)),
    );
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0].data.ranges, [{ table: 'holding', start: 5, count: 1, access: 'write' }]);
    const sessions = await eventually(async () => {
      const items = await hubEvents('guard.session');
      return items.length >= 5 ? items : null;
    });
    assert.ok(
      sessions.some(
        (e) => (e.data.requests as { write: number }).write === 1 && (e.data.bytesFromMaster as number) >= 12,
      ),
    );
    const all = (await viewer.guard.events({ deviceId: dev.id, limit: 1000 })).items;
    assert.ok(all.every((e) => e.type.startsWith('guard.')));
    for (const type of ['guard.started', 'guard.policy_applied', 'guard.new_master'])
      assert.ok(
        all.some((e) => e.type === type),
        type,
      );
  });

  it('rotates the grant-signing key: the agent follows the signed chain and a grant issued before still opens its write', async () => {
    const before = await t.admin.guard.key();
    // The agent's clock runs ahead by `skew`: a grant long enough to be live there.
    const g = await operator.guard.grant(dev.id, {
      unit: 1,
      table: 'holding',
      start: 8,
      end: 8,
      durationS: 3 * 3600,
      reason: 'valve test before the rotation',
    });
    await eventually(() => feature.status().grants.active.includes(g.id));
    assert.equal(feature.status().key.fingerprint, before.fingerprint);

    await assert.rejects(operator.guard.rotateKey('not mine to do'), (e: { status: number }) => e.status === 403);
    const live = (await t.admin.guard.grants({ active: true })).items.length;
    const rotated = await t.admin.guard.rotateKey('yearly rotation');
    assert.notEqual(rotated.fingerprint, before.fingerprint);
    assert.equal(rotated.regranted, live, 'every live grant signed again');
    assert.deepEqual(
      rotated.rotations.map((r) => [r.previous, r.fingerprint, r.reason]),
      [[before.fingerprint, rotated.fingerprint, 'yearly rotation']],
    );

    await eventually(
      () => feature.status().key.fingerprint === rotated.fingerprint && feature.status().key.source === 'rotated',
    );
    await eventually(() => feature.status().grants.active.includes(g.id));
    const r = await write(8, 808);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(await readHolding(plcPort, 8, 1), [808]);
    const ev = await eventually(async () => (await hubEvents('guard.key_rotated'))[0]);
    assert.deepEqual(ev.data, { from: before.fingerprint, to: rotated.fingerprint, steps: 1 });
    // New grants are signed by the new key; devices enrolling now get it directly.
    const g2 = await operator.guard.grant(dev.id, {
      unit: 1,
      table: 'holding',
      start: 9,
      end: 9,
      durationS: 3 * 3600,
      reason: 'after the rotation',
    });
    await eventually(() => feature.status().grants.active.includes(g2.id));
    const audit = (await t.admin.audit.list({ action: 'guard.key.rotate' })).items[0];
    assert.equal(audit.details.reason, 'yearly rotation');
    assert.equal(audit.details.to, rotated.fingerprint);
  });
});
