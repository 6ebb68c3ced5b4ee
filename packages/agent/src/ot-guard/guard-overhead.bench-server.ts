// Minimal Modbus TCP server for the overhead benchmark: answers Read Holding Registers
// (FC 3) from a fixed register bank and anything else with ILLEGAL FUNCTION.
import net from 'node:net';
import { ModbusTcpReassembler, buildModbusTcpException, type ModbusTcpAdu } from '@outpost/guard';

const REGISTERS = Uint16Array.from({ length: 1000 }, (_, i) => i);

function answer(adu: ModbusTcpAdu): Uint8Array {
  const range = adu.pdu.ranges[0];
  if (adu.pdu.fc !== 3 || adu.pdu.malformed || !range || range.start + range.count > REGISTERS.length) {
    return buildModbusTcpException(adu.transactionId, adu.unit, adu.pdu.function, 1);
  }
  const out = Buffer.alloc(9 + 2 * range.count);
  out.writeUInt16BE(adu.transactionId, 0);
  out.writeUInt16BE(3 + 2 * range.count, 4);
  out[6] = adu.unit;
  out[7] = 3;
  out[8] = 2 * range.count;
  for (let i = 0; i < range.count; i++) out.writeUInt16BE(REGISTERS[range.start + i], 9 + 2 * i);
  return out;
}

export interface BenchServer {
  port: number;
  close(): Promise<void>;
}

export function startBenchServer(): Promise<BenchServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (s) => {
    sockets.add(s);
    const reassembler = new ModbusTcpReassembler('request');
    s.on('data', (chunk: Buffer) => {
      for (const f of reassembler.push(chunk)) if (f.kind === 'adu') s.write(answer(f.adu));
    });
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
