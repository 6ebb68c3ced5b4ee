import { Socket, connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { crc16Modbus, withModbusCrc } from '@outpost/guard';
import { ModbusFailure, rtuReplyLength } from './modbus-pdu.js';

/** One way to a Modbus device: sends a request PDU to a unit and returns the reply PDU. One exchange at a time. */
export interface ModbusLink {
  exchange(unit: number, pdu: Buffer, timeoutMs: number): Promise<Buffer>;
  /** The local end of the TCP connection now in use (`127.0.0.1:40112`), to recognise it in guard events. */
  localAddress(): string | undefined;
  close(): void;
}

interface Pending {
  resolve(b: Buffer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** Serialises exchanges: the next starts when the previous has settled. */
function serial() {
  let chain: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
}

/** Modbus TCP (MBAP framing) over one kept-open connection, redialled after it drops. */
export function createModbusTcpLink(host: string, port: number, connectTimeoutMs = 3000): ModbusLink {
  let socket: Socket | null = null;
  let ready: Promise<Socket> | null = null;
  let buf = Buffer.alloc(0);
  let tid = 0;
  let pending: { id: number; p: Pending } | null = null;
  const queue = serial();

  function fail(why: ModbusFailure) {
    const p = pending;
    pending = null;
    if (p) {
      clearTimeout(p.p.timer);
      p.p.reject(why);
    }
  }

  function dial(): Promise<Socket> {
    ready ??= new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      s.setNoDelay(true);
      const t = setTimeout(() => s.destroy(new Error('connect timeout')), connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        socket = s;
        resolve(s);
      });
      s.on('data', (d: Buffer) => onData(d));
      s.on('error', () => undefined);
      s.on('close', () => {
        clearTimeout(t);
        if (socket === s) socket = null;
        ready = null;
        buf = Buffer.alloc(0);
        fail(new ModbusFailure('comm-lost', `connection to ${host}:${port} lost`));
        reject(new ModbusFailure('comm-lost', `cannot connect to ${host}:${port}`));
      });
    });
    return ready;
  }

  function onData(d: Buffer) {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 7) {
      const len = buf.readUInt16BE(4);
      if (len < 2 || len > 254) {
        socket?.destroy();
        return;
      }
      if (buf.length < 6 + len) return;
      const id = buf.readUInt16BE(0);
      const pdu = Buffer.from(buf.subarray(7, 6 + len));
      buf = buf.subarray(6 + len);
      if (pending && pending.id === id) {
        const p = pending.p;
        pending = null;
        clearTimeout(p.timer);
        p.resolve(pdu);
      }
    }
  }

  return {
    exchange(unit, pdu, timeoutMs) {
      return queue(async () => {
        const s = socket ?? (await dial());
        tid = (tid + 1) & 0xffff;
        const head = Buffer.alloc(7);
        head.writeUInt16BE(tid, 0);
        head.writeUInt16BE(0, 2);
        head.writeUInt16BE(pdu.length + 1, 4);
        head[6] = unit;
        return new Promise<Buffer>((resolve, reject) => {
          const timer = setTimeout(
            () => fail(new ModbusFailure('timeout', `no reply from ${host}:${port} within ${timeoutMs} ms`)),
            timeoutMs,
          );
          pending = { id: tid, p: { resolve, reject, timer } };
          s.write(Buffer.concat([head, pdu]));
        });
      });
    },
    localAddress: () => (socket?.localAddress ? `${socket.localAddress}:${socket.localPort}` : undefined),
    close() {
      socket?.destroy();
      socket = null;
    },
  };
}

/** Modbus RTU on a serial line (or pty): address + PDU + CRC, replies checked for CRC and address. */
export function createModbusRtuLink(open: () => Duplex): ModbusLink {
  let port: Duplex | null = null;
  let buf = Buffer.alloc(0);
  let pending: (Pending & { unit: number }) | null = null;
  const queue = serial();

  function settle(err: ModbusFailure | null, pdu?: Buffer) {
    const p = pending;
    pending = null;
    buf = Buffer.alloc(0);
    if (!p) return;
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(pdu!);
  }

  function ensure(): Duplex {
    if (port) return port;
    const d = open();
    d.on('data', (chunk: Buffer) => {
      if (!pending) return; // stray bytes between exchanges
      buf = Buffer.concat([buf, chunk]);
      const n = rtuReplyLength(buf);
      if (n === undefined || buf.length < n) return;
      const frame = buf.subarray(0, n);
      const crc = crc16Modbus(frame, 0, n - 2);
      if (frame[n - 2] !== (crc & 0xff) || frame[n - 1] !== crc >> 8)
        return settle(new ModbusFailure('bad-crc', 'reply failed its CRC check'));
      if (frame[0] !== pending.unit) return settle(new ModbusFailure('bad-reply', `reply from unit ${frame[0]}`));
      settle(null, Buffer.from(frame.subarray(1, n - 2)));
    });
    d.on('error', () => undefined);
    d.on('close', () => {
      if (port === d) port = null;
      settle(new ModbusFailure('comm-lost', 'serial line closed'));
    });
    port = d;
    return d;
  }

  return {
    exchange(unit, pdu, timeoutMs) {
      return queue(async () => {
        let d: Duplex;
        try {
          d = ensure();
        } catch (err) {
          throw new ModbusFailure('comm-lost', `serial line cannot be opened: ${(err as Error).message}`);
        }
        return new Promise<Buffer>((resolve, reject) => {
          const timer = setTimeout(
            () => settle(new ModbusFailure('timeout', `no reply from unit ${unit} within ${timeoutMs} ms`)),
            timeoutMs,
          );
          pending = { resolve, reject, timer, unit };
          buf = Buffer.alloc(0);
          d.write(withModbusCrc(Buffer.concat([Buffer.from([unit]), pdu])));
        });
      });
    },
    localAddress: () => undefined,
    close() {
      port?.destroy();
      port = null;
    },
  };
}
