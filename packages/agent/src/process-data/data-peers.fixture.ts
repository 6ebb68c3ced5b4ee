// Real peers for the process-data tests: a pymodbus server as the field device (registers the
// test changes through its stdin), and a Mosquitto broker with mutual TLS from a throwaway CA
// made with openssl. Every process is started by the tests and stopped by them.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

const PLC = `
import asyncio, sys, threading, logging
logging.disable(logging.CRITICAL)
from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSequentialDataBlock
from pymodbus.server.async_io import ModbusTcpServer, ModbusSerialServer

store = ModbusSlaveContext(
    co=ModbusSequentialDataBlock(0, [0] * 100), di=ModbusSequentialDataBlock(0, [0] * 100),
    hr=ModbusSequentialDataBlock(0, [0] * 100), ir=ModbusSequentialDataBlock(0, [0] * 100), zero_mode=True)
# TCP answers every unit; a serial line only its own unit id ("rtu PATH BAUD PARITY UNIT").
rtu = sys.argv[1:2] == ["rtu"]
ctx = ModbusServerContext(slaves={int(sys.argv[5]): store}, single=False) if rtu else ModbusServerContext(slaves=store, single=True)
TABLES = {"co": 1, "di": 2, "hr": 3, "ir": 4}

def commands():
    # "set hr 0 1234 5678": registers from address 0; "get hr 10 1": prints the values.
    for line in sys.stdin:
        parts = line.split()
        if parts[0] == "set":
            store.setValues(TABLES[parts[1]], int(parts[2]), [int(x) for x in parts[3:]])
            print("ok", flush=True)
        elif parts[0] == "get":
            print(" ".join(str(int(v)) for v in store.getValues(TABLES[parts[1]], int(parts[2]), int(parts[3]))), flush=True)
    import os
    os._exit(0)

async def main():
    if rtu:
        server = ModbusSerialServer(ctx, port=sys.argv[2], baudrate=int(sys.argv[3]), parity=sys.argv[4])
        await server.start()
        print("0", flush=True)
        await server.serve_forever()
        return
    server = ModbusTcpServer(ctx, address=("127.0.0.1", 0), allow_reuse_address=True)
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    print(server.server.sockets[0].getsockname()[1], flush=True)
    await task

threading.Thread(target=commands, daemon=True).start()
asyncio.run(main())
`;

function lines(child: ChildProcess): () => Promise<string> {
  const queue: string[] = [];
  const waiting: Array<(s: string) => void> = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const w = waiting.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  return () => {
    const l = queue.shift();
    return l !== undefined ? Promise.resolve(l) : new Promise((resolve) => waiting.push(resolve));
  };
}

export interface Plc {
  /** The TCP port (0 on a serial line). */
  port: number;
  set(table: 'hr' | 'co', address: number, values: number[]): Promise<void>;
  get(table: 'hr' | 'co', address: number, count: number): Promise<number[]>;
  stop(): void;
}

/** A serial line for the PLC instead of TCP: path, speed, parity (N, E, O) and the unit id it answers as. */
export interface PlcSerialLine {
  path: string;
  baudRate: number;
  parity: 'N' | 'E' | 'O';
  unitId: number;
}

export async function startPlc(serial?: PlcSerialLine): Promise<Plc> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-plc-'));
  writeFileSync(join(dir, 'plc.py'), PLC);
  const line = serial ? ['rtu', serial.path, String(serial.baudRate), serial.parity, String(serial.unitId)] : [];
  const child = spawn(PYTHON, [join(dir, 'plc.py'), ...line], { stdio: ['pipe', 'pipe', 'inherit'] });
  const next = lines(child);
  const port = Number(await next());
  let chain: Promise<unknown> = Promise.resolve();
  const ask = (cmd: string) => {
    const r = chain.then(() => {
      child.stdin!.write(`${cmd}\n`);
      return next();
    });
    chain = r.catch(() => undefined);
    return r;
  };
  return {
    port,
    set: async (t, a, v) => void (await ask(`set ${t} ${a} ${v.join(' ')}`)),
    get: async (t, a, n) => (await ask(`get ${t} ${a} ${n}`)).split(' ').map(Number),
    stop: () => child.kill('SIGKILL'),
  };
}

export function pymodbusMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import pymodbus'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3-pymodbus is not installed';
  }
}

export interface Pki {
  dir: string;
  caPem: string;
  client(cn: string): { keyPem: string; certPem: string };
}

/** A throwaway CA, a server certificate for 127.0.0.1 and client certificates on demand. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-data-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const key = (name: string) => ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  key('ca');
  ssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=data test CA', '-days', '2', '-out', 'ca.crt');
  const issue = (name: string, cn: string, ext?: string) => {
    key(name);
    ssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    const extArgs = ext ? ['-extfile', ext] : [];
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      ...extArgs,
    );
  };
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  issue('server', '127.0.0.1', 'server.ext');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    caPem: read('ca.crt'),
    client(cn) {
      const name = `client-${cn}`;
      issue(name, cn);
      return { keyPem: read(`${name}.key`), certPem: read(`${name}.crt`) };
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface Broker {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Mosquitto with mutual TLS on 127.0.0.1; `stop` and `start` cut and restore the link on the same port. */
export async function startMosquitto(pki: Pki): Promise<Broker> {
  const port = await freePort();
  const conf = join(pki.dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      `cafile ${join(pki.dir, 'ca.crt')}`,
      `certfile ${join(pki.dir, 'server.crt')}`,
      `keyfile ${join(pki.dir, 'server.key')}`,
      'require_certificate true',
      'use_identity_as_username true',
      'allow_anonymous false',
      'persistence false',
      // Started as root, Mosquitto would switch to its own user, who cannot read this test's files.
      `user ${userInfo().username}`,
      'log_dest none',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
    child = c;
    // Ready when it accepts connections.
    for (let i = 0; i < 200; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const s = tcpConnect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('mosquitto did not start');
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await start();
  return { port, start, stop };
}
