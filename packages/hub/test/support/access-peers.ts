// Peers for the remote-access tests: real services on the "device" side and the operator's
// relay leg. Everything listens on 127.0.0.1 and is stopped by the test that started it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import {
  createAccessFeature,
  createAgent,
  createMemoryQueue,
  createMqttTransportFactory,
  realClock,
  silentLogger,
  type AccessFeatureOptions,
  type Agent,
} from '@outpost/agent';
import { dialRelay, type RelayLink } from '@outpost/client/relay';
import type { AccessOpenResult } from '@outpost/protocol';
import type { OutpostClient } from '@outpost/client';
import { createSimSystem, profileOf } from '@outpost/sim';
import type { TestHub } from './test-hub.js';
import type { EnrolledDevice } from './devices.js';

export const PYTHON = '/usr/bin/python3';

/** An HTTP server that answers `hello <path>` and echoes POST bodies. */
export async function startHttpService(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.setHeader('content-type', 'text/plain');
      res.end(req.method === 'POST' ? body : `hello ${req.url}\n`);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// Holding registers 0..99 hold 100..199.
const MODBUS_SERVER = `
import asyncio, os, sys, threading, logging
logging.disable(logging.CRITICAL)
from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSequentialDataBlock
from pymodbus.server.async_io import ModbusTcpServer
def watch_stdin():
    sys.stdin.read()
    os._exit(0)
async def main():
    store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, list(range(100, 200))), zero_mode=True)
    server = ModbusTcpServer(ModbusServerContext(slaves=store, single=True), address=("127.0.0.1", 0), allow_reuse_address=True)
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    print(server.server.sockets[0].getsockname()[1], flush=True)
    await task
threading.Thread(target=watch_stdin, daemon=True).start()
asyncio.run(main())
`;

export function pymodbusMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import pymodbus'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'python3-pymodbus is not installed';
}

export function toolMissing(tool: string): string | undefined {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0 ? undefined : `${tool} is not installed`;
}

/** A pymodbus Modbus TCP server (a PLC) on an ephemeral loopback port. */
export async function startModbusService(): Promise<{ port: number; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-modbus-'));
  writeFileSync(join(dir, 'server.py'), MODBUS_SERVER);
  const child: ChildProcess = spawn(PYTHON, [join(dir, 'server.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stop = () => {
    child.stdin?.end();
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`modbus server did not start: ${err}`)), 15_000);
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(Number(out.trim()));
      }
    });
    child.once('exit', (code) => reject(new Error(`modbus server exited (${code}): ${err}`)));
  }).catch((e: unknown) => {
    stop();
    throw e;
  });
  return { port, stop };
}

/** An agent with the access feature, for an enrolled test device. */
export function startAccessAgent(
  t: TestHub,
  d: EnrolledDevice,
  rules: Omit<AccessFeatureOptions, 'tls'> = {},
  mqttPort = t.hub.mqttPort,
): Agent {
  const agent = createAgent({
    deviceId: d.id,
    transport: createMqttTransportFactory({
      url: `mqtts://127.0.0.1:${mqttPort}`,
      deviceId: d.id,
      keyPem: d.keyPem,
      certPem: d.certPem,
      caPem: d.caPem,
    }),
    queue: createMemoryQueue(1000),
    system: createSimSystem(profileOf(1), async () => {}),
    clock: realClock,
    logger: silentLogger,
    healthIntervalS: 30,
    backoff: { baseMs: 50, capMs: 500 },
    features: [createAccessFeature({ tls: { keyPem: d.keyPem, certPem: d.certPem, caPem: d.caPem }, ...rules })],
  });
  agent.start();
  return agent;
}

/** The operator's leg of a session, authenticated like the client (cookie or token) plus the session token. */
export function operatorLeg(
  t: TestHub,
  client: OutpostClient,
  opened: AccessOpenResult,
  token = opened.operatorToken!,
): RelayLink {
  const o = client.options;
  const headers: Record<string, string> = o.token
    ? { authorization: `Bearer ${o.token}` }
    : { cookie: `outpost_session=${o.session}` };
  return dialRelay({
    url: opened.relayUrl ?? `${t.hub.httpUrl.replace(/^http/, 'ws')}${opened.relayPath}`,
    session: opened.session.id,
    token,
    options: { ca: t.hub.caPem, headers },
  });
}

/** Sends bytes and collects the answer until `expect` bytes arrived or the peer closed. */
export function exchange(port: number, bytes: Uint8Array | string, expect: number, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let n = 0;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`got ${n} of ${expect} bytes`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (n >= expect) {
        clearTimeout(timer);
        sock.end();
        resolve(Buffer.concat(chunks));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (n < expect) reject(new Error(`closed after ${n} of ${expect} bytes`));
    });
  });
}

/** A Modbus TCP "read holding registers" request and the values of its answer. */
export async function modbusRead(port: number, start: number, count: number): Promise<number[]> {
  const adu = Uint8Array.from([0x00, 0x01, 0, 0, 0, 6, 1, 3, start >> 8, start & 0xff, 0, count]);
  const reply = await exchange(port, adu, 9 + 2 * count);
  return Array.from({ length: count }, (_, i) => reply.readUInt16BE(9 + 2 * i));
}

/** A TCP proxy in the test (not on the device) that can freeze both directions: a dead link. */
export async function startFreezableProxy(
  to: number,
): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  let frozen = false;
  const pairs = new Set<net.Socket>();
  const server = net.createServer((a) => {
    const b = net.connect({ host: '127.0.0.1', port: to });
    pairs.add(a).add(b);
    a.on('data', (c) => !frozen && b.write(c));
    b.on('data', (c) => !frozen && a.write(c));
    const kill = () => {
      if (frozen) return; // a dead link says nothing, not even a FIN
      a.destroy();
      b.destroy();
    };
    a.on('close', kill).on('error', () => undefined);
    b.on('close', kill).on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => void (frozen = true),
    close: () =>
      new Promise<void>((r) => {
        for (const s of pairs) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Two connected pseudo-terminals from socat: a serial line between the device and a PLC. */
export async function startPtyPair(): Promise<{ a: string; b: string; stop(): void }> {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const paths = await new Promise<string[]>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start: ${err}`)), 5_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const found = [...err.matchAll(/PTY is (\S+)/g)].map((m) => m[1]);
      if (found.length === 2 && err.includes('starting data transfer')) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  }).catch((e: unknown) => {
    stop();
    throw e;
  });
  return { a: paths[0], b: paths[1], stop };
}

/** The operator's terminal in a test: what is typed goes in, everything shown is kept. */
export function testTerminal(): {
  stream: Duplex;
  type(text: string): void;
  shown(): Buffer;
  waitFor(text: string, ms?: number): Promise<void>;
  ended: Promise<void>;
} {
  const seen: Buffer[] = [];
  let onEnd: () => void = () => undefined;
  const ended = new Promise<void>((r) => (onEnd = r));
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      seen.push(Buffer.from(chunk));
      done();
    },
    final(done) {
      onEnd();
      done();
    },
  });
  stream.on('close', () => onEnd());
  const shown = () => Buffer.concat(seen);
  return {
    stream,
    type: (text) => void stream.push(Buffer.from(text, 'utf8')),
    shown,
    ended,
    async waitFor(text, ms = 10_000) {
      const until = Date.now() + ms;
      while (!shown().toString('utf8').includes(text)) {
        if (Date.now() > until)
          throw new Error(
            `"${text}" not shown within ${ms} ms; shown: ${JSON.stringify(shown().toString('utf8').slice(-300))}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
