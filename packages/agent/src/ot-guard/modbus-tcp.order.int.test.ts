import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ModbusTcpReassembler, type GuardEvent } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import type { GuardProxy } from './ot-guard.types.js';

// Pipelined requests on one connection are answered in the order they were sent, also when
// the guard answers one of them itself (a blocked write's exception) while the PLC is still
// working on an earlier one.

const ANSWER_AFTER_MS = 150;

function adu(tid: number, pdu: number[]): number[] {
  return [tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, 1, ...pdu];
}

describe('Modbus TCP guard keeps the order of replies', () => {
  let plc: net.Server;
  let proxy: GuardProxy;
  const events: GuardEvent[] = [];

  before(async () => {
    // A slow PLC: answers each read after a while, in order, with one register per request.
    plc = net.createServer((s) => {
      const requests = new ModbusTcpReassembler('request');
      let chain = Promise.resolve();
      s.on('data', (d: Buffer) => {
        for (const f of requests.push(d)) {
          if (f.kind !== 'adu') continue;
          const tid = f.adu.transactionId;
          chain = chain.then(
            () =>
              new Promise<void>((done) =>
                setTimeout(() => {
                  if (!s.destroyed) s.write(Buffer.from(adu(tid, [3, 2, 0, tid])));
                  done();
                }, ANSWER_AFTER_MS),
              ),
          );
        }
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => plc.listen(0, '127.0.0.1', () => r()));
    proxy = await createModbusTcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port: (plc.address() as net.AddressInfo).port },
      policy: {
        mode: 'enforce',
        allowedClasses: ['read', 'write'],
        readOnly: true,
        onViolation: 'exception',
        version: 1,
      },
      deviceId: 'plc-order',
      onEvent: (e) => events.push(e),
    });
  });

  after(async () => {
    await proxy?.close();
    await new Promise((r) => plc?.close(r));
  });

  test('a blocked write between two reads is answered between their replies', async () => {
    const master = net.connect(proxy.address.port, '127.0.0.1');
    const replies = new ModbusTcpReassembler('response');
    const seen: Array<[number, number]> = [];
    try {
      await new Promise((r) => master.once('connect', r));
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seen.length} replies`)), 10_000);
        master.on('data', (d: Buffer) => {
          for (const f of replies.push(d)) if (f.kind === 'adu') seen.push([f.adu.transactionId, f.adu.pdu.fc]);
          if (seen.length >= 4) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const read = [3, 0, 0, 0, 1];
      const write = [6, 0, 5, 0x12, 0x34];
      master.write(Buffer.from([...adu(1, read), ...adu(2, write), ...adu(3, read), ...adu(4, write)]));
      await done;
    } finally {
      master.destroy();
    }
    assert.deepEqual(seen, [
      [1, 3],
      [2, 0x86],
      [3, 3],
      [4, 0x86],
    ]);
    assert.equal(events.filter((e) => e.type === 'guard.blocked').length, 2);
  });
});
