import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { FlowsMessage } from '@outpost/protocol';
import type { FeatureContext } from '../core/feature.js';
import type { FlowSource, InterfaceCounters, SocketEntry, ConnectionCounters } from './flow-source.js';
import { createFlowsFeature } from './flows.feature.js';
import { createLinuxFlowSource } from './linux-flow.source.js';
import { isLoopbackHex, parseConntrack, parseProcNetDev, parseProcNetSockets } from './proc-net.parser.js';

const DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 2178701085 4025650    0    0    0     0          0         0 2178701085 4025650    0    0    0     0       0          0
  eth0: 123456789   98765    0    0    0     0          0         0 23456789   54321    0    0    0     0       0          0
 wwan0:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0
`;

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:A511 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 421457 1 0 100 0 0 10 0
   1: 00000000:01F6 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1076 1 0 100 0 0 10 0
   2: 0A00000A:01F6 0B00000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 1077 1 0 100 0 0 10 0
   3: 0A00000A:9C40 22D8B85D:01BB 01 00000000:00000000 00:00000000 00000000     0        0 1078 1 0 100 0 0 10 0
`;

const CONNTRACK = `ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.10 dst=93.184.216.34 sport=40000 dport=443 packets=10 bytes=1200 src=93.184.216.34 dst=10.0.0.10 sport=443 dport=40000 packets=8 bytes=4000 [ASSURED] mark=0 use=1
ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.11 dst=10.0.0.10 sport=50000 dport=502 packets=5 bytes=300 src=10.0.0.10 dst=10.0.0.11 sport=502 dport=50000 packets=5 bytes=500 [ASSURED] mark=0 use=1
ipv4     2 udp      17 20 src=127.0.0.1 dst=127.0.0.1 sport=5353 dport=53 packets=1 bytes=60 src=127.0.0.1 dst=127.0.0.1 sport=53 dport=5353 packets=1 bytes=90 mark=0 use=1
`;

describe('/proc/net parsing', () => {
  it('reads interface counters, leaving out loopback', () => {
    assert.deepEqual(parseProcNetDev(DEV), [
      { name: 'eth0', rxBytes: 123456789, rxPackets: 98765, txBytes: 23456789, txPackets: 54321 },
      { name: 'wwan0', rxBytes: 1000, rxPackets: 10, txBytes: 2000, txPackets: 20 },
    ]);
  });

  it('reads sockets: listening, established, loopback left out', () => {
    assert.deepEqual(parseProcNetSockets(TCP, 'tcp'), [
      { proto: 'tcp', localPort: 502, remotePort: 0, listening: true, established: false },
      { proto: 'tcp', localPort: 502, remotePort: 50000, listening: false, established: true },
      { proto: 'tcp', localPort: 40000, remotePort: 443, listening: false, established: true },
    ]);
    assert.ok(
      isLoopbackHex('0100007F') &&
        isLoopbackHex('00000000000000000000000001000000') &&
        isLoopbackHex('0000000000000000FFFF00000100007F'),
    );
    assert.ok(!isLoopbackHex('0A00000A'));
  });

  it('reads conntrack accounting by service port and direction', () => {
    assert.deepEqual(
      parseConntrack(CONNTRACK, new Set(['tcp/502'])).map((c) => [c.proto, c.port, c.dir, c.bytes, c.packets]),
      [
        ['tcp', 443, 'out', 5200, 18],
        ['tcp', 502, 'in', 800, 10],
      ],
    );
  });

  it('reads this machine', { skip: existsSync('/proc/net/dev') ? false : 'not Linux' }, () => {
    const src = createLinuxFlowSource();
    assert.ok(Array.isArray(src.interfaces()));
    assert.ok(src.sockets().every((s) => s.localPort >= 0 && s.localPort <= 65535));
  });
});

function fakeSource() {
  const s = {
    ifs: [{ name: 'eth0', rxBytes: 1000, txBytes: 500, rxPackets: 10, txPackets: 5 }] as InterfaceCounters[],
    socks: [] as SocketEntry[],
    conns: [] as ConnectionCounters[],
  };
  const source: FlowSource = {
    interfaces: () => s.ifs.map((x) => ({ ...x })),
    sockets: () => s.socks,
    connections: () => s.conns,
  };
  return { s, source };
}

function fakeCtx() {
  let t = 1_000_000;
  const timers: Array<() => void> = [];
  const sent: FlowsMessage[] = [];
  let online = true;
  const ctx = {
    deviceId: 'd1',
    clock: { now: () => t, setTimeout: (fn: () => void) => (timers.push(fn), { cancel: () => undefined }) },
    logger: { info: () => undefined, warn: () => undefined },
    publish: async (_s: string, p: unknown) => {
      if (!online) throw new Error('offline');
      sent.push(p as FlowsMessage);
    },
    emit: async () => undefined,
    online: () => online,
  } as unknown as FeatureContext;
  return {
    ctx,
    sent,
    setOnline: (v: boolean) => (online = v),
    async tick(ms: number) {
      t += ms;
      timers.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('flows feature', () => {
  it('reports counter differences per period, survives a counter reset, and folds offline periods together', async () => {
    const { s, source } = fakeSource();
    const f = fakeCtx();
    const feature = createFlowsFeature({ source, intervalS: 60 });
    await feature.start!(f.ctx);
    s.ifs[0] = { name: 'eth0', rxBytes: 7000, txBytes: 1500, rxPackets: 70, txPackets: 15 };
    await f.tick(60_000);
    assert.deepEqual(f.sent[0].interfaces, [
      { name: 'eth0', rxBytes: 6000, txBytes: 1000, rxPackets: 60, txPackets: 10 },
    ]);
    assert.equal(f.sent[0].periodS, 60);
    // A reboot resets the kernel counters: the new values are the traffic since.
    s.ifs[0] = { name: 'eth0', rxBytes: 300, txBytes: 100, rxPackets: 3, txPackets: 1 };
    f.setOnline(false);
    await f.tick(60_000);
    s.ifs[0] = { name: 'eth0', rxBytes: 800, txBytes: 200, rxPackets: 8, txPackets: 2 };
    f.setOnline(true);
    await f.tick(60_000);
    assert.equal(f.sent.length, 2);
    assert.deepEqual(f.sent[1].interfaces, [{ name: 'eth0', rxBytes: 800, txBytes: 200, rxPackets: 8, txPackets: 2 }]);
    assert.equal(f.sent[1].periodS, 120);
    feature.stop!();
  });

  it('names ports by service: listening ports in, connections out by remote port, ephemeral UDP ignored', async () => {
    const { s, source } = fakeSource();
    s.socks = [
      { proto: 'tcp', localPort: 502, remotePort: 0, listening: true, established: false },
      { proto: 'tcp', localPort: 502, remotePort: 50001, listening: false, established: true },
      { proto: 'tcp', localPort: 502, remotePort: 50002, listening: false, established: true },
      { proto: 'tcp', localPort: 41000, remotePort: 8883, listening: false, established: true },
      { proto: 'udp', localPort: 45123, remotePort: 0, listening: true, established: false },
      { proto: 'udp', localPort: 161, remotePort: 0, listening: true, established: false },
    ];
    const f = fakeCtx();
    const feature = createFlowsFeature({ source, intervalS: 10 });
    await feature.start!(f.ctx);
    s.conns = [{ key: 'k1', proto: 'tcp', port: 8883, dir: 'out', bytes: 5000, packets: 9 }];
    await f.tick(10_000);
    const ports = f.sent[0].ports.map((p) => `${p.proto}/${p.port}/${p.dir}:${p.conns}:${p.bytes ?? '-'}`).sort();
    assert.deepEqual(ports, ['tcp/502/in:2:-', 'tcp/8883/out:1:5000', 'udp/161/in:0:-']);
    feature.stop!();
  });
});
