import { buildPcap, ethernetFrame } from '../capture/capture.fixture.js';
import { data, gooseFrame, type Bytes, type GooseSpec } from './iec61850.fixture.js';
import { cotpConnect, cotpData, mms, sessionAccept, sessionConnect, sessionData } from './mms.fixture.js';

// A capture of an IEC 61850 substation bus as tests need it: a GOOSE publisher repeating and
// changing state, and one MMS client association (connect, browse, read, write, report).

export const CLIENT = { ip: '10.61.0.10', port: 49152 };
export const SERVER = { ip: '10.61.0.20', port: 102 };
const T0 = 1_796_000_000; // seconds; the captured frames are 1 ms apart

interface Frame {
  data: Uint8Array;
  tsUs: number;
}

/** One TCP connection's two directions with running sequence numbers. */
class Conversation {
  private seq = { c: 1000, s: 5000 };
  constructor(private readonly frames: Frame[]) {}

  send(fromClient: boolean, payload: Bytes, segment = 1460): void {
    const key = fromClient ? 'c' : 's';
    for (let at = 0; at < payload.length; at += segment) {
      const piece = payload.slice(at, at + segment);
      const frame = ethernetFrame({
        src: fromClient ? CLIENT.ip : SERVER.ip,
        dst: fromClient ? SERVER.ip : CLIENT.ip,
        sport: fromClient ? CLIENT.port : SERVER.port,
        dport: fromClient ? SERVER.port : CLIENT.port,
        seq: this.seq[key],
        payload: piece,
      });
      this.seq[key] += piece.length;
      this.frames.push({ data: frame, tsUs: (T0 * 1000 + this.frames.length) * 1000 });
    }
  }

  request(pdu: Bytes): void {
    this.send(true, cotpData(sessionData(pdu)));
  }

  response(pdu: Bytes, piece?: number, segment?: number): void {
    this.send(false, cotpData(sessionData(pdu), piece), segment);
  }
}

export const GOCB = 'IED1LD0/LLN0$GO$gcbTrip';
export const DATSET = 'IED1LD0/LLN0$dsTrip';

export function goose(stNum: number, sqNum: number, trip: boolean, over: Partial<GooseSpec> = {}): GooseSpec {
  return {
    gocbRef: GOCB,
    timeAllowedToLive: 2000,
    datSet: DATSET,
    goId: 'IED1_Trip',
    tSec: T0 + stNum,
    tFrac: 0x800000,
    stNum,
    sqNum,
    confRev: 3,
    allData: [
      data.boolean(trip),
      data.bitString(3, 0x00, 0x00),
      data.utcTime(T0 + stNum, 0x400000),
      data.integer(-7),
      data.float(49.98),
    ],
    vlan: 5,
    ...over,
  };
}

function pushGoose(frames: Frame[], g: GooseSpec): void {
  frames.push({ data: gooseFrame(g), tsUs: (T0 * 1000 + frames.length) * 1000 });
}

/** The bytes of a pcap with GOOSE and one MMS association; see the test for what it holds. */
export function substationCapture(): Uint8Array {
  const frames: Frame[] = [];
  pushGoose(frames, goose(1, 0, false));
  pushGoose(frames, goose(1, 1, false));
  const c = new Conversation(frames);
  c.send(true, cotpConnect(false));
  c.send(false, cotpConnect(true));
  c.send(true, cotpData(sessionConnect(mms.initiateRequest())));
  c.send(false, cotpData(sessionAccept(mms.initiateResponse())));
  c.request(mms.getNameListRequest(1, 9));
  c.response(mms.getNameListResponse(1, ['IED1LD0', 'IED1PROT'], false));
  c.request(mms.getNameListRequest(2, 0, 'IED1LD0'));
  c.response(mms.getNameListResponse(2, ['LLN0', 'LLN0$ST', 'XCBR1$ST$Pos$stVal'], true));
  c.request(mms.getNameListRequest(3, 0, 'IED1LD0', 'XCBR1$ST$Pos$stVal'));
  c.response(mms.getNameListResponse(3, ['XCBR1$ST$Pos$q'], false));
  c.request(mms.attributesRequest(4, 'IED1LD0/XCBR1$ST$Pos'));
  c.response(mms.attributesResponse(4));
  c.request(mms.readRequest(5, ['IED1LD0/XCBR1$ST$Pos$stVal', 'IED1LD0/MMXU1$MX$TotW$mag$f']));
  c.response(mms.readResponse(5, [data.bitString(6, 0x80), data.structure(data.float(1234.5))]));
  pushGoose(frames, goose(1, 2, false));
  c.request(mms.writeRequest(6, ['IED1LD0/LLN0$BR$brcbA01$RptEna'], [data.boolean(true)]));
  c.response(mms.writeResponse(6, [true]));
  c.request(
    mms.writeRequest(
      7,
      ['IED1LD0/CSWI1$CO$Pos$Oper', 'IED1LD0/LLN0$SP$x'],
      [data.structure(data.boolean(false), data.visible('op')), data.integer(1)],
    ),
  );
  c.response(mms.writeResponse(7, [false, true]));
  pushGoose(frames, goose(2, 0, true));
  c.send(false, cotpData(sessionData(mms.informationReport('RPT', [data.visible('brcbA01'), data.boolean(true)]))));
  // A read response cut into two COTP DT pieces and three TCP segments.
  const many = Array.from({ length: 40 }, (_, i) => data.structure(data.integer(i), data.visible(`value ${i}`)));
  const names = Array.from({ length: 40 }, (_, i) => `IED1LD0/GGIO1$ST$Ind${i}$stVal`);
  c.request(mms.readRequest(8, names));
  c.response(mms.readResponse(8, many), 300, 200);
  pushGoose(frames, goose(2, 1, true));
  return buildPcap(frames);
}
