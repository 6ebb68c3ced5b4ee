// Third-party peers for the ot-guard tests: a pymodbus PLC simulator, mbpoll as the master,
// socat pseudo-terminal pairs. Every process is started by the tests and stopped by them.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc16Dnp } from '@outpost/guard';

const PYTHON = '/usr/bin/python3';

// Holding registers 0..99 start at 100..199, input registers at 500..599, coils off.
const PLC_SCRIPT = `
import asyncio, json, os, sys, threading, logging
logging.disable(logging.CRITICAL)
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSequentialDataBlock
from pymodbus.server.async_io import ModbusTcpServer, ModbusSerialServer

def watch_stdin():
    sys.stdin.read()
    os._exit(0)

def context():
    store = ModbusSlaveContext(
        co=ModbusSequentialDataBlock(0, [0] * 100), di=ModbusSequentialDataBlock(0, [1] * 100),
        hr=ModbusSequentialDataBlock(0, list(range(100, 200))), ir=ModbusSequentialDataBlock(0, list(range(500, 600))),
        zero_mode=True)
    return ModbusServerContext(slaves=store, single=True)

def identity():
    # Read Device Identification (FC 43/14) answers, when the test gives them.
    info = json.loads(os.environ.get("PLC_IDENTITY") or "null")
    return ModbusDeviceIdentification(info_name=info) if info else None

def logged(response):
    # With PLC_LOG set, one line per answer: the function code asked (exceptions included).
    path = os.environ.get("PLC_LOG")
    if path:
        with open(path, "a") as f:
            f.write("%d\\n" % (response.function_code & 0x7F))
    return response, False

async def main():
    if sys.argv[1] == "tcp":
        server = ModbusTcpServer(context(), identity=identity(), address=("127.0.0.1", 0), allow_reuse_address=True,
                                 response_manipulator=logged)
        task = asyncio.create_task(server.serve_forever())
        await server.serving
        print(server.server.sockets[0].getsockname()[1], flush=True)
        await task
    else:
        server = ModbusSerialServer(context(), identity=identity(), port=sys.argv[2], baudrate=int(sys.argv[3]),
                                    parity="N", response_manipulator=logged)
        await server.start()
        print("ready", flush=True)
        await server.serve_forever()

threading.Thread(target=watch_stdin, daemon=True).start()
asyncio.run(main())
`;

export function pymodbusMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import pymodbus, serial_asyncio'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'python3-pymodbus (with pyserial-asyncio) is not installed';
}

export function toolMissing(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${tool} is not installed`;
}

export interface Peer {
  /** TCP port (tcp mode) or the first line printed. */
  ready: string;
  stop(): void;
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`peer did not start: ${err}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`peer exited (${code}): ${err}`));
    });
  });
}

function stopper(child: ChildProcess): () => void {
  return () => {
    child.stdin?.end();
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  };
}

/** Device identification objects by pymodbus name: VendorName, ProductCode, MajorMinorRevision, ProductName… */
export type PlcIdentity = Record<string, string>;

/** The function codes a PLC started with `requestLog` answered, in order. */
export function plcRequests(requestLog: string): number[] {
  if (!existsSync(requestLog)) return [];
  return readFileSync(requestLog, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** A pymodbus server as the PLC: TCP on 127.0.0.1 (ephemeral port), or RTU on a serial path. */

export async function startPlc(
  mode: 'tcp' | 'rtu',
  serialPath = '',
  baud = 19200,
  identity?: PlcIdentity,
  /** A file the PLC appends the function code of every request it answers to, one a line. */
  requestLog?: string,
): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-plc-'));
  const script = join(dir, 'plc.py');
  writeFileSync(script, PLC_SCRIPT);
  const env = {
    ...process.env,
    PLC_IDENTITY: identity ? JSON.stringify(identity) : '',
    PLC_LOG: requestLog ?? '',
  };
  const child = spawn(PYTHON, [script, mode, serialPath, String(baud)], { stdio: ['pipe', 'pipe', 'pipe'], env });
  const stop = stopper(child);
  try {
    return { ready: await firstLine(child, 10_000), stop };
  } catch (e) {
    stop();
    throw e;
  }
}

export interface PtyPair {
  a: string;
  b: string;
  stop(): void;
}

/** Two connected pseudo-terminals from socat. */
export async function startPtyPair(): Promise<PtyPair> {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = stopper(child);
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

export interface RunResult {
  code: number;
  stdout: string;
}

/** Runs mbpoll once (bounded by a timeout). */
export function mbpoll(args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('mbpoll', args, { timeout: 10_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: stdout + stderr });
    });
  });
}

/** The "[n]: value" lines of an mbpoll read. */
export function mbpollValues(out: string): string[] {
  return [...out.matchAll(/^\[(\d+)\]:\s+(\S+)/gm)].map((m) => `${m[1]}=${m[2]}`);
}

/** Sends raw bytes to host:port and collects what comes back until close or quiet. */
export function rawExchange(
  port: number,
  bytes: Uint8Array,
  quietMs = 300,
): Promise<{ reply: Buffer; closedByPeer: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closedByPeer = false;
    let timer = setTimeout(() => sock.destroy(), quietMs * 4);
    const finish = () => resolve({ reply: Buffer.concat(chunks), closedByPeer });
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      clearTimeout(timer);
      timer = setTimeout(() => sock.destroy(), quietMs);
    });
    sock.on('end', () => {
      closedByPeer = true;
    });
    sock.on('error', () => {
      closedByPeer = true;
    });
    sock.on('close', () => {
      clearTimeout(timer);
      finish();
    });
  });
}

/** Reads holding registers straight from a Modbus TCP server. */
export async function readHolding(port: number, start: number, count: number): Promise<number[]> {
  const adu = Uint8Array.from([0x12, 0x34, 0, 0, 0, 6, 1, 3, start >> 8, start & 0xff, 0, count]);
  const { reply } = await rawExchange(port, adu, 150);
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(reply.readUInt16BE(9 + 2 * i));
  return values;
}

function withDnp3Crc(b: number[]): number[] {
  const crc = crc16Dnp(Uint8Array.from(b));
  return [...b, crc & 0xff, crc >> 8];
}

/** A DNP3 link frame carrying `userData` (transport octet first), with its real CRCs. */
export function dnp3LinkFrame(userData: number[], control = 0xc4, dst = 10, src = 1): Buffer {
  const head = withDnp3Crc([0x05, 0x64, 5 + userData.length, control, dst & 0xff, dst >> 8, src & 0xff, src >> 8]);
  const blocks: number[] = [];
  for (let i = 0; i < userData.length; i += 16) blocks.push(...withDnp3Crc(userData.slice(i, i + 16)));
  return Buffer.from([...head, ...blocks]);
}
