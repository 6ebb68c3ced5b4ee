import { endFile, openFile, sha256File, type Recorder } from './session-recorder.js';

// A TCP session as a classic pcap file (https://www.tcpdump.org/manpages/pcap-savefile.5.html)
// with LINKTYPE_RAW (101): each relayed chunk becomes an IPv4/TCP packet between 10.0.0.1 (the
// operator side) and 10.0.0.2 (the target), one TCP connection per relay stream, so Wireshark
// or tshark can dissect the protocol inside (e.g. Modbus on port 502).
const LINKTYPE_RAW = 101;
const MAX_SEGMENT = 65_535 - 40;
const CLIENT = [10, 0, 0, 1];
const SERVER = [10, 0, 0, 2];
const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

interface Conn {
  clientPort: number;
  seqC: number;
  seqS: number;
}

function ipChecksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function packet(
  fromClient: boolean,
  c: Conn,
  serverPort: number,
  flags: number,
  payload: Uint8Array,
  id: number,
): Buffer {
  const ip = Buffer.alloc(20);
  ip.writeUInt8(0x45, 0);
  ip.writeUInt16BE(40 + payload.length, 2);
  ip.writeUInt16BE(id & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6); // don't fragment
  ip.writeUInt8(64, 8);
  ip.writeUInt8(6, 9); // TCP
  Buffer.from(fromClient ? CLIENT : SERVER).copy(ip, 12);
  Buffer.from(fromClient ? SERVER : CLIENT).copy(ip, 16);
  ip.writeUInt16BE(ipChecksum(ip), 10);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(fromClient ? c.clientPort : serverPort, 0);
  tcp.writeUInt16BE(fromClient ? serverPort : c.clientPort, 2);
  tcp.writeUInt32BE((fromClient ? c.seqC : c.seqS) >>> 0, 4);
  tcp.writeUInt32BE(flags & ACK ? (fromClient ? c.seqS : c.seqC) >>> 0 : 0, 8);
  tcp.writeUInt8(5 << 4, 12);
  tcp.writeUInt8(flags, 13);
  tcp.writeUInt16BE(65_535, 14);
  return Buffer.concat([ip, tcp, payload]);
}

export function createPcapRecorder(path: string, o: { serverPort: number; now: () => number }): Recorder {
  const out = openFile(path);
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65_535, 16);
  head.writeUInt32LE(LINKTYPE_RAW, 20);
  out.write(head);
  const conns = new Map<number, Conn>();
  let ipId = 1;

  function write(p: Buffer) {
    const ms = o.now();
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(ms / 1000), 0);
    rec.writeUInt32LE((ms % 1000) * 1000, 4);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    out.write(Buffer.concat([rec, p]));
  }

  function conn(stream: number): Conn {
    let c = conns.get(stream);
    if (!c) {
      c = { clientPort: 40_000 + (stream % 20_000), seqC: 1, seqS: 1 };
      conns.set(stream, c);
    }
    return c;
  }

  function data(fromClient: boolean, stream: number, bytes: Uint8Array) {
    const c = conn(stream);
    for (let i = 0; i < bytes.length; i += MAX_SEGMENT) {
      const seg = bytes.subarray(i, i + MAX_SEGMENT);
      write(packet(fromClient, c, o.serverPort, PSH | ACK, seg, ipId++));
      if (fromClient) c.seqC += seg.length;
      else c.seqS += seg.length;
    }
  }

  return {
    kind: 'pcap',
    opened(stream) {
      const c = conn(stream);
      c.seqC = 0;
      c.seqS = 0;
      write(packet(true, c, o.serverPort, SYN, new Uint8Array(0), ipId++));
      write(packet(false, { ...c, seqC: 1 }, o.serverPort, SYN | ACK, new Uint8Array(0), ipId++));
      c.seqC = 1;
      c.seqS = 1;
      write(packet(true, c, o.serverPort, ACK, new Uint8Array(0), ipId++));
    },
    toDevice: (stream, bytes) => data(true, stream, bytes),
    fromDevice: (stream, bytes) => data(false, stream, bytes),
    closed(stream) {
      const c = conns.get(stream);
      if (!c) return;
      write(packet(true, c, o.serverPort, FIN | ACK, new Uint8Array(0), ipId++));
      c.seqC += 1;
      write(packet(false, c, o.serverPort, FIN | ACK, new Uint8Array(0), ipId++));
      conns.delete(stream);
    },
    resize: () => undefined,
    async finish() {
      await endFile(out);
      return { path, ...(await sha256File(path)) };
    },
  };
}
