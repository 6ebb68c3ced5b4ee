import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectCapture, type GuardEvent, type GuardTrafficEvent } from '@outpost/guard';
import { grant, testKeys } from '../../../guard/src/policy/policy.fixture.js';
import { tsharkAvailable, tsharkFields } from '../../../guard/src/capture/tshark.reference.js';
import {
  BREAKER_OPER,
  SWITCH_OPER,
  SWITCH_SBOW,
  feederPolicy,
  req,
} from '../../../guard/src/iec61850/mms-policy.fixture.js';
import { createMmsTcpProxy } from './mms-tcp.proxy.js';
import { startGuard } from './guard.runner.js';
import { parseGuardSpec } from './guard-spec.js';
import { captureOf, connectMmsClient, startMmsServer } from './mms-peers.fixture.js';

// The inline MMS guard between a real MMS client and server over loopback sockets: refused
// requests are answered by the guard with an MMS access error and never reach the server,
// allowed ones are answered by the server, the association stays up; a garbage stream is closed.
// tshark checks both sides of the wire; the capture inspector replays the client side with the
// same policy and grants and must decide every request as the live guard did.

const skip = tsharkAvailable() ? undefined : 'tshark not installed';
const keys = testKeys();
const DEVICE = 'ied-7';
const stateGrant = (id: string, state: string, expiresAt: number) =>
  grant(keys, {
    id,
    deviceId: DEVICE,
    unit: 0,
    table: 'coil',
    start: 0,
    end: 0,
    setsState: state,
    ticket: 'CHG-7',
    notBefore: 1_000,
    expiresAt,
  });
// The hotline tag on feeder 7 holds until t = 10 s; operator control for the whole test.
const GRANTS = [stateGrant('hot', 'hotline_feeder7', 10_000), stateGrant('op', 'operator_control', 1_000_000)];

async function withTemp<T>(files: Record<string, Uint8Array>, run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mms-guard-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function tsharkRows(file: string, fields: string[]): Promise<string[][][]> {
  return [...(await tsharkFields(file, fields)).values()];
}

test(
  'MMS guard: refusals answered with an access error, allowed requests served, offline == live',
  { skip },
  async () => {
    let now = 2_000;
    const clock = () => now;
    const server = await startMmsServer(clock);
    const events: GuardEvent[] = [];
    const proxy = await createMmsTcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port: server.port },
      policy: feederPolicy(),
      grants: GRANTS,
      deviceId: DEVICE,
      trustedGrantKey: keys.publicKey,
      clock,
      onEvent: (e) => events.push(e),
    });
    const client = await connectMmsClient(proxy.address.port, clock);
    try {
      const outcome = async (pdu: number[], id: number) => (await client.request(pdu, id)).pdu;
      assert.equal(await outcome(req.read(1), 1), 'confirmed-response', 'reads pass');
      assert.equal(await outcome(req.nameList(2), 2), 'confirmed-response');
      now = 5_000;
      assert.equal(
        await outcome(req.operate(3, BREAKER_OPER), 3),
        'confirmed-error',
        'hotline tag refuses the breaker',
      );
      assert.equal(await outcome(req.setting(4, 2500), 4), 'confirmed-error', 'setting above max');
      assert.equal(await outcome(req.setting(5, 450), 5), 'confirmed-response');
      now = 20_000;
      assert.equal(await outcome(req.operate(6, SWITCH_OPER), 6), 'confirmed-error', 'Oper without SBOw');
      assert.equal(await outcome(req.operate(7, SWITCH_SBOW), 7), 'confirmed-response');
      assert.equal(await outcome(req.operate(8, SWITCH_OPER), 8), 'confirmed-response', 'Oper after SBOw');
      assert.equal(await outcome(req.operate(9, BREAKER_OPER), 9), 'confirmed-response', 'the tag is cleared');
      assert.equal(await outcome(req.read(10), 10), 'confirmed-response', 'the association is still up');

      assert.deepEqual(
        server.requests.map((m) => m.invokeId),
        [1, 2, 5, 7, 8, 9, 10],
        'refused requests never reached the server',
      );
      const live = new Map<number, string>();
      for (const e of events)
        if ('invokeId' in e && e.invokeId !== undefined) live.set(e.invokeId, `${e.action}:${e.reason ?? ''}`);
      assert.equal(live.get(3), 'block:state_forbids:hotline_feeder7');
      assert.equal(live.get(4), 'block:value_above_max:F7/PTOC1.StrVal.setMag.f[SP]');
      assert.equal(live.get(6), 'block:operate_without_select:F7/CSWI1.Pos');
      assert.equal(live.get(9), 'allow:');
      const blocked = events.filter((e): e is GuardTrafficEvent => e.type === 'guard.blocked');
      assert.deepEqual(blocked[0].objects, ['F7/XCBR1.Pos.Oper[CO]']);

      // Offline: the client side of the wire, the same policy and grants, the same decisions.
      const clientSide = captureOf(client.recorded);
      const report = inspectCapture(clientSide, {
        policy: feederPolicy(),
        grants: GRANTS,
        grantKey: keys.publicKey,
        deviceId: DEVICE,
      });
      const offline = new Map<number, string>();
      for (const r of report.rows)
        if (r.decision && r.mms?.invokeId !== undefined)
          offline.set(r.mms.invokeId, `${r.decision.action}:${r.decision.reason ?? ''}`);
      const liveAll = new Map([...Array(10)].map((_, i) => [i + 1, live.get(i + 1) ?? 'allow:']));
      assert.deepEqual(offline, liveAll);

      await withTemp({ 'client.pcap': clientSide, 'server.pcap': captureOf(server.recorded) }, async (dir) => {
        // The refusals decode in tshark as MMS confirmed-error PDUs, error class access, object-access-denied (4).
        const errors = (
          await tsharkRows(join(dir, 'client.pcap'), ['mms.confirmed_ErrorPDU_element', 'mms.invokeID', 'mms.access'])
        ).filter((f) => f[0].length > 0);
        assert.deepEqual(
          errors.map((f) => [f[1][0], f[2][0]]),
          [
            ['3', '4'],
            ['4', '4'],
            ['6', '4'],
          ],
        );
        // The server side carried the allowed requests only.
        const sent = (await tsharkRows(join(dir, 'server.pcap'), ['mms.confirmed_RequestPDU_element', 'mms.invokeID']))
          .filter((f) => f[0].length > 0)
          .map((f) => f[1][0]);
        assert.deepEqual(sent, ['1', '2', '5', '7', '8', '9', '10']);
      });
    } finally {
      client.close();
      await proxy.close();
      await server.close();
    }
  },
);

test('MMS guard: a garbage stream is closed with an event and nothing reaches the server', { skip }, async () => {
  const server = await startMmsServer();
  const events: GuardEvent[] = [];
  const proxy = await createMmsTcpProxy({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: { host: '127.0.0.1', port: server.port },
    policy: feederPolicy(),
    deviceId: DEVICE,
    onEvent: (e) => events.push(e),
  });
  try {
    const socket = net.connect({ host: '127.0.0.1', port: proxy.address.port });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.write('GET / HTTP/1.1\r\nHost: ied\r\n\r\n');
    await closed;
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === 'guard.session') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const malformed = events.find((e) => e.type === 'guard.malformed');
    assert.equal(malformed && 'reason' in malformed ? malformed.reason : undefined, 'tpkt_bad_version');
    const session = events.find((e) => e.type === 'guard.session');
    assert.equal(
      session && 'closeReason' in session ? session.closeReason : undefined,
      'malformed_framing:tpkt_bad_version',
    );
    assert.equal(server.bytesReceived(), 0);
  } finally {
    await proxy.close();
    await server.close();
  }
});

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

test('MMS guard: added latency of a read on loopback, direct and through the guard', { skip }, async (t) => {
  const server = await startMmsServer();
  const proxy = await createMmsTcpProxy({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: { host: '127.0.0.1', port: server.port },
    policy: feederPolicy(),
    deviceId: DEVICE,
  });
  const direct = await connectMmsClient(server.port, Date.now);
  const guarded = await connectMmsClient(proxy.address.port, Date.now);
  try {
    const times = async (c: typeof direct, base: number) => {
      const out: number[] = [];
      for (let i = 0; i < 300; i++) {
        const t0 = process.hrtime.bigint();
        const m = await c.request(req.read(base + i), base + i);
        out.push(Number(process.hrtime.bigint() - t0) / 1e6);
        assert.equal(m.pdu, 'confirmed-response');
      }
      return out;
    };
    const a = await times(direct, 1);
    const b = await times(guarded, 1);
    const fmt = (xs: number[]) =>
      `median ${percentile(xs, 0.5).toFixed(3)} ms, p99 ${percentile(xs, 0.99).toFixed(3)} ms`;
    t.diagnostic(`direct: ${fmt(a)}; through the MMS guard: ${fmt(b)}`);
  } finally {
    direct.close();
    guarded.close();
    await proxy.close();
    await server.close();
  }
});

/** A loopback port nothing listens on now (a spec names its port; 0 is not one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test('MMS guard started from its --guard spec, as the agent starts it: reads pass, a tagged breaker is refused', async () => {
  const now = 5_000;
  const server = await startMmsServer(() => now);
  try {
    const port = await freePort();
    const events: GuardEvent[] = [];
    const guard = await startGuard(parseGuardSpec(`mms-tcp:127.0.0.1:${port}=127.0.0.1:${server.port}`), {
      deviceId: DEVICE,
      policy: feederPolicy(),
      grants: GRANTS,
      grantKey: keys.publicKey,
      clock: () => now,
      onEvent: (e) => events.push(e),
      onConsoleSession: () => undefined,
    });
    try {
      const client = await connectMmsClient(guard.address!.port, () => now);
      try {
        assert.equal(guard.name, `mms-tcp 127.0.0.1:${port}`);
        assert.equal((await client.request(req.read(1), 1)).pdu, 'confirmed-response');
        assert.equal((await client.request(req.operate(2, BREAKER_OPER), 2)).pdu, 'confirmed-error');
        assert.deepEqual(
          server.requests.map((m) => m.invokeId),
          [1],
          'the refused operate never reached the server',
        );
        const blocked = events.find((e): e is GuardTrafficEvent => e.type === 'guard.blocked');
        assert.equal(blocked?.reason, 'state_forbids:hotline_feeder7');
        assert.equal(guard.snapshots().length, 1, 'one open connection');
      } finally {
        client.close();
      }
    } finally {
      await guard.close();
    }
  } finally {
    await server.close();
  }
});
