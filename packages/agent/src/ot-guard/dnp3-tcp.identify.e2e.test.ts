import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Dnp3StreamParser, type FieldDeviceIdentity, type GuardEvent, type GuardPolicy } from '@outpost/guard';
import { createDnp3TcpProxy } from './dnp3-tcp.proxy.js';
import type { GuardProxy, IdentityOrigin } from './ot-guard.types.js';
import { dnp3LinkFrame } from './ot-guard.fixture.js';

// A hand-built DNP3 outstation (address 10) answering any request with its group 0 device
// attributes, behind the DNP3 TCP guard, and no master at all: with `identify` off the guard
// sends it nothing; turned on, the guard READs the attributes itself on its own connection.

const OUTSTATION = 10;
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const g0 = (variation: number, text: string) => [0, variation, 0x00, 0, 0, 1, text.length, ...ascii(text)];
const base: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'exception',
  version: 1,
};

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('DNP3 TCP guard reads an outstation’s device attributes itself only when enabled', () => {
  let outstation: net.Server;
  let port = 0;
  let proxy: GuardProxy;
  const requests: Array<{ fn?: number; source?: number; objects: string }> = [];
  const events: GuardEvent[] = [];
  const seen: Array<{ address: number; identity: FieldDeviceIdentity; origin?: IdentityOrigin }> = [];

  before(async () => {
    outstation = net.createServer((s) => {
      const parser = new Dnp3StreamParser();
      s.on('data', (chunk: Buffer) => {
        for (const item of parser.push(chunk)) {
          if (!item.app || !item.fragment) continue;
          requests.push({
            fn: item.app.function,
            source: item.link?.source,
            objects: Buffer.from(item.fragment.subarray(2)).toString('hex'),
          });
          const master = item.link?.source ?? 1;
          const fragment = [0xc0, 0x81, 0, 0, ...g0(252, 'GridCo'), ...g0(250, 'RTU-9000'), ...g0(242, '4.2.0')];
          s.write(dnp3LinkFrame([0xc0, ...fragment], 0x44, master, OUTSTATION));
        }
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => outstation.listen(0, '127.0.0.1', r));
    port = (outstation.address() as net.AddressInfo).port;
    proxy = await createDnp3TcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port },
      policy: base,
      deviceId: 'gw-dnp3',
      onEvent: (e) => events.push(e),
      onIdentity: (_p, address, identity, origin) => void seen.push({ address, identity, origin }),
    });
  });

  after(async () => {
    await proxy?.close();
    await new Promise((r) => outstation?.close(r));
  });

  test('off: nothing is sent to the outstation', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(requests, []);
  });

  test('on: the guard reads g0 v252, v250, v242, v243, v246 and learns who the outstation is', async () => {
    proxy.setPolicy({ ...base, version: 2, identify: { enabled: true, outstations: [OUTSTATION], masterAddress: 3 } });
    const got = await waitFor('an active identity', () => seen.find((s) => s.origin?.source === 'active'));
    assert.equal(got.address, OUTSTATION);
    assert.deepEqual(
      [got.identity.vendor, got.identity.productName, got.identity.revision],
      ['GridCo', 'RTU-9000', '4.2.0'],
    );
    assert.deepEqual(got.origin, { source: 'active', interface: `tcp:127.0.0.1:${port}` });
    // One READ (function 1) from link address 3: five group 0 variations, qualifier 0, index 0.
    assert.deepEqual(requests, [{ fn: 1, source: 3, objects: '00fc00000000fa00000000f200000000f300000000f6000000' }]);
    const asked = events.filter((e) => e.type === 'guard.identify');
    assert.deepEqual(
      asked.map((e) => e.type === 'guard.identify' && [e.protocol, e.address, e.query, e.outcome]),
      [['dnp3', OUTSTATION, 'dnp3 read g0v252,250,242,243,246', 'identified']],
    );
  });
});
