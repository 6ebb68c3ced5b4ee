import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { GuardEvent } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import type { GuardProxy } from './ot-guard.types.js';

// A master that pipelines requests the guard answers itself (a unit the policy refuses) and
// never reads the answers: once the kernel's buffers towards it are full, the answers pile up
// in the guard until the buffered-bytes bound, where the connection is closed with a
// guard.overload event instead of growing.

// Below a socket's 16 KiB high-water mark, so the bound is reached before back-pressure would
// stop reading from the master (with the default 1 MiB bound, back-pressure usually wins).
const BOUND = 8 * 1024;

describe('Modbus TCP guard bounds what it holds for a master that does not read', () => {
  let plc: net.Server;
  let proxy: GuardProxy;
  const events: GuardEvent[] = [];

  before(async () => {
    plc = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => plc.listen(0, '127.0.0.1', () => r()));
    proxy = await createModbusTcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port: (plc.address() as net.AddressInfo).port },
      policy: {
        mode: 'enforce',
        allowedClasses: ['read'],
        allowedUnits: [1],
        readOnly: true,
        onViolation: 'exception',
        version: 1,
      },
      deviceId: 'plc-overload',
      onEvent: (e) => events.push(e),
      maxBufferedBytes: BOUND,
    });
  });

  after(async () => {
    await proxy?.close();
    await new Promise((r) => plc?.close(r));
  });

  test('past the bound the connection closes with guard.overload buffered_bytes', async () => {
    const one = (tid: number) => [tid >> 8, tid & 0xff, 0, 0, 0, 6, 2, 3, 0, 0, 0, 1];
    const burst = Buffer.from(Array.from({ length: 80_000 }, (_, i) => one(i & 0xffff)).flat());
    const master = net.connect(proxy.address.port, '127.0.0.1');
    master.pause(); // never reads
    master.on('error', () => undefined);
    const closed = new Promise<void>((r) => master.once('close', () => r()));
    const end = Date.now() + 60_000;
    const pump = (): void => {
      while (!master.destroyed && Date.now() < end) if (!master.write(burst)) return void master.once('drain', pump);
    };
    master.once('connect', pump);
    const timer = setTimeout(() => master.destroy(), 60_000);
    await closed;
    clearTimeout(timer);
    const overload = events.find((e) => e.type === 'guard.overload');
    assert.ok(
      overload && overload.type === 'guard.overload',
      `a guard.overload event: ${JSON.stringify(events.filter((e) => e.type === 'guard.session'))}`,
    );
    assert.equal(overload.limit, 'buffered_bytes');
    assert.equal(overload.bound, BOUND);
    assert.ok(overload.value > BOUND && overload.value < BOUND + 64 * 1024, `held ${overload.value}`);
    const session = events.find((e) => e.type === 'guard.session');
    assert.ok(session && session.type === 'guard.session');
    assert.equal(session.closeReason, 'overload:buffered_bytes');
  });
});
