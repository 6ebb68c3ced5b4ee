// A minimal IEC 61850 MMS server and client for the MMS guard tests, built on the encoders the
// guard's tshark agreement test uses: ISO-on-TCP (TPKT, COTP class 0), session, presentation,
// ACSE and MMS, as IEC 61850 devices send them. The server answers reads, writes and
// getNameList and records every request it receives; the client pairs replies by invoke id and
// records every octet in both directions, with the test clock, to rebuild a capture.
import net from 'node:net';
import { decodeMms, decodeUpperLayers, TpktReassembler, type MmsMessage } from '@outpost/guard';
import { buildPcap, ethernetFrame } from '../../../guard/src/capture/capture.fixture.js';
import { data, type Bytes } from '../../../guard/src/iec61850/iec61850.fixture.js';
import {
  cotpConnect,
  cotpData,
  mms,
  sessionAccept,
  sessionConnect,
  sessionData,
} from '../../../guard/src/iec61850/mms.fixture.js';

/** The MMS PDUs one side of a port-102 stream carried, in order. */
export class MmsReader {
  private readonly tsdu = new TpktReassembler();
  readonly cotp: string[] = [];

  push(chunk: Uint8Array): MmsMessage[] {
    const out: MmsMessage[] = [];
    for (const item of this.tsdu.push(chunk)) {
      if (item.kind !== 'tpdu') throw new Error(`unframed: ${item.reason}`);
      this.cotp.push(item.cotp);
      if (item.cotp !== 'DT') continue;
      const upper = decodeUpperLayers(item.data);
      if (!upper.ok || !upper.mms) continue;
      const m = decodeMms(upper.mms.b, upper.mms.pdu);
      if (m.ok) out.push(m.mms);
    }
    return out;
  }
}

const frame = (pdu: Bytes) => Buffer.from(cotpData(sessionData(pdu)));

function answer(m: MmsMessage): Bytes | undefined {
  const id = m.invokeId ?? 0;
  if (m.service === 'read')
    return mms.readResponse(
      id,
      (m.objects ?? []).map(() => data.boolean(true)),
    );
  if (m.service === 'write')
    return mms.writeResponse(
      id,
      (m.objects ?? []).map(() => true),
    );
  if (m.service === 'getNameList') return mms.getNameListResponse(id, ['F7', 'LD0'], false);
  return undefined;
}

export interface MmsTestServer {
  port: number;
  /** Confirmed requests received, in order, over every connection. */
  requests: MmsMessage[];
  /** Octets received, over every connection. */
  bytesReceived(): number;
  /** Everything that went over its connections, both ways ("fromClient": received). */
  recorded: Recorded[];
  close(): Promise<void>;
}

export function startMmsServer(clock: () => number = Date.now): Promise<MmsTestServer> {
  const requests: MmsMessage[] = [];
  const recorded: Recorded[] = [];
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    const reader = new TpktReassembler();
    const write = s.write.bind(s);
    s.write = ((b: Uint8Array) => {
      recorded.push({ fromClient: false, bytes: Uint8Array.from(b), ms: clock() });
      return write(b);
    }) as typeof s.write;
    s.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      recorded.push({ fromClient: true, bytes: Uint8Array.from(chunk), ms: clock() });
      for (const item of reader.push(chunk)) {
        if (item.kind !== 'tpdu') return void s.destroy();
        if (item.cotp === 'CR') s.write(Buffer.from(cotpConnect(true)));
        if (item.cotp !== 'DT') continue;
        const upper = decodeUpperLayers(item.data);
        if (!upper.ok) return void s.destroy();
        if (upper.session === 'connect') s.write(Buffer.from(cotpData(sessionAccept(mms.initiateResponse()))));
        if (!upper.mms) continue;
        const m = decodeMms(upper.mms.b, upper.mms.pdu);
        if (!m.ok || m.mms.pdu !== 'confirmed-request') continue;
        requests.push(m.mms);
        const reply = answer(m.mms);
        if (reply) s.write(frame(reply));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        requests,
        recorded,
        bytesReceived: () => bytes,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface Recorded {
  fromClient: boolean;
  bytes: Uint8Array;
  ms: number;
}

export interface MmsTestClient {
  /** Sends one confirmed request and waits for the PDU answering its invoke id. */
  request(pdu: Bytes, invokeId: number): Promise<MmsMessage>;
  /** Everything that went over the connection, both ways. */
  recorded: Recorded[];
  closed: Promise<void>;
  close(): void;
}

/** Connects, sets up the association (COTP CR/CC, session CONNECT/ACCEPT with MMS initiate). */
export async function connectMmsClient(port: number, clock: () => number): Promise<MmsTestClient> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const recorded: Recorded[] = [];
  const reader = new MmsReader();
  const waiting = new Map<number, (m: MmsMessage) => void>();
  let accepted: (() => void) | undefined;
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    recorded.push({ fromClient: false, bytes: Uint8Array.from(chunk), ms: clock() });
    for (const m of reader.push(chunk)) {
      if (m.pdu === 'initiate-response') accepted?.();
      if (m.invokeId !== undefined) waiting.get(m.invokeId)?.(m);
    }
  });
  const send = (b: Bytes) => {
    recorded.push({ fromClient: true, bytes: Uint8Array.from(b), ms: clock() });
    socket.write(Buffer.from(b));
  };
  await new Promise<void>((ok, fail) => {
    socket.once('connect', () => ok());
    socket.once('error', fail);
  });
  const ready = new Promise<void>((ok) => (accepted = ok));
  send(cotpConnect(false));
  send(cotpData(sessionConnect(mms.initiateRequest())));
  await ready;
  return {
    recorded,
    closed,
    close: () => socket.destroy(),
    request(pdu, invokeId) {
      const reply = new Promise<MmsMessage>((ok) => waiting.set(invokeId, ok));
      send(cotpData(sessionData(pdu)));
      return reply;
    },
  };
}

/** A capture of recorded traffic, the server side on port 102 (as tshark dissects it). */
export function captureOf(recorded: Recorded[]): Uint8Array {
  const client = { ip: '127.0.0.1', port: 49200 };
  const server = { ip: '127.0.0.2', port: 102 };
  const seq = { c: 1000, s: 9000 };
  const frames = recorded.map((r) => {
    const [src, dst] = r.fromClient ? [client, server] : [server, client];
    const key = r.fromClient ? 'c' : 's';
    const f = ethernetFrame({
      src: src.ip,
      dst: dst.ip,
      sport: src.port,
      dport: dst.port,
      seq: seq[key],
      payload: Array.from(r.bytes),
    });
    seq[key] += r.bytes.length;
    return { data: f, tsUs: r.ms * 1000 };
  });
  return buildPcap(frames);
}
