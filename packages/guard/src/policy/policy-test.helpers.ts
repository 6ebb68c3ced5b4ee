// Builds policy-engine requests from DNP3 application fragments and Modbus PDUs (tests only).
import { Dnp3StreamParser } from '../dnp3/dnp3-stream.parser.js';
import { fragmentFrames, MASTER, OUTSTATION } from '../dnp3/dnp3.fixture.js';
import { parseModbusTcpAdu } from '../modbus/modbus-tcp.parser.js';
import { mbap } from '../modbus/modbus.fixture.js';
import type { GuardRequest, GuardResponse } from '../shared/guard.types.js';
import { requestFromDnp3, requestFromModbusTcp, responseFromDnp3 } from './guard-request.adapter.js';

/** The request a master sending this application fragment (one frame) makes. */
export function dnp3Request(fragment: number[]): GuardRequest {
  const items = fragmentFrames(MASTER, fragment).flatMap((f) => new Dnp3StreamParser().push(f));
  const req = requestFromDnp3(items[items.length - 1]);
  if (!req) throw new Error('no request');
  return req;
}

/** The reply an outstation sending this response fragment (one frame) makes. */
export function dnp3Response(fragment: number[]): GuardResponse {
  const items = fragmentFrames(OUTSTATION, fragment).flatMap((f) => new Dnp3StreamParser().push(f));
  const resp = responseFromDnp3(items[items.length - 1]);
  if (!resp) throw new Error('no response');
  return resp;
}

export function modbusRequest(pdu: number[], unit = 1): GuardRequest {
  const f = parseModbusTcpAdu(mbap(0x42, unit, pdu), 'request');
  if (f.kind !== 'adu') throw new Error(f.reason);
  return requestFromModbusTcp(f.adu);
}
