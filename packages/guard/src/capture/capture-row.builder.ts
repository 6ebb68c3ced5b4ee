import type { Direction, GuardRequest, GuardResponse } from '../shared/guard.types.js';
import type { ModbusTcpFrame } from '../modbus/modbus-tcp.parser.js';
import type { Dnp3ObjectHeader, Dnp3StreamItem } from '../dnp3/dnp3.types.js';
import {
  malformedModbusRequest,
  requestFromDnp3,
  requestFromModbusTcp,
  responseFromDnp3,
  responseFromModbusTcp,
} from '../policy/guard-request.adapter.js';
import type { InspectionObject, InspectionRow } from './capture-row.types.js';

export type RowBase = Pick<InspectionRow, 'frame' | 'ts' | 'transport' | 'src' | 'dst' | 'direction'>;

export interface BuiltRow {
  row: InspectionRow;
  /** The request to put before the policy, for request rows. */
  request?: GuardRequest;
  /** The reply to show the policy's response rules, for response rows. */
  response?: GuardResponse;
}

export function modbusRow(f: ModbusTcpFrame, base: RowBase): BuiltRow {
  if (f.kind === 'malformed') {
    const row: InspectionRow = {
      ...base,
      protocol: 'modbus',
      class: 'malformed',
      ranges: [],
      malformed: f.reason,
      bytes: f.raw.length,
    };
    if (f.header) Object.assign(row, { transactionId: f.header.transactionId, unit: f.header.unit });
    const request = base.direction === 'request' ? malformedModbusRequest(f.reason, 'tcp', f.header) : undefined;
    return { row, request };
  }
  const { adu } = f;
  const row: InspectionRow = {
    frame: base.frame,
    ts: base.ts,
    transport: base.transport,
    direction: base.direction,
    src: base.src,
    dst: base.dst,
    protocol: 'modbus',
    transactionId: adu.transactionId,
    unit: adu.unit,
    fc: adu.pdu.function,
    class: adu.pdu.class,
    ranges: adu.pdu.ranges,
    bytes: adu.raw.length,
    ...(adu.pdu.values ? { values: adu.pdu.values } : {}),
    ...(adu.pdu.exceptionCode !== undefined ? { exceptionCode: adu.pdu.exceptionCode } : {}),
    ...(adu.pdu.malformed ? { malformed: adu.pdu.malformed } : {}),
  };
  return base.direction === 'request'
    ? { row, request: requestFromModbusTcp(adu) }
    : { row, response: responseFromModbusTcp(adu) };
}

/** Direction of a DNP3 frame: by port where one side is the server, else by the link DIR bit. */
export function dnp3Direction(item: Dnp3StreamItem, byPort: Direction | undefined): Direction {
  if (byPort) return byPort;
  return item.link && !item.link.fromMaster ? 'response' : 'request';
}

function objectOf(h: Dnp3ObjectHeader): InspectionObject {
  const o: InspectionObject = { group: h.group, variation: h.variation, qualifier: h.qualifier, count: h.count };
  const start = h.start ?? h.minIndex;
  const stop = h.stop ?? h.maxIndex;
  if (start !== undefined && stop !== undefined) Object.assign(o, { start, stop });
  return o;
}

export function dnp3Row(item: Dnp3StreamItem, base: RowBase): BuiltRow {
  const row: InspectionRow = { ...base, protocol: 'dnp3', ranges: [], bytes: item.raw.length };
  if (item.link) {
    Object.assign(row, {
      linkSource: item.link.source,
      linkDestination: item.link.destination,
      linkFunction: item.link.linkFunction,
    });
  }
  const app = item.app;
  if (app) {
    Object.assign(row, { appSeq: app.seq, fc: app.function, class: app.class, ranges: app.ranges });
    if (app.iin !== undefined) row.iin = app.iin;
    if (app.unparsedBytes) row.unparsedBytes = app.unparsedBytes;
    if (app.objects.length) row.objects = app.objects.map(objectOf);
    if (app.points) row.points = app.points;
  }
  if (item.malformed) Object.assign(row, { malformed: item.malformed, class: 'malformed' });
  return base.direction === 'request'
    ? { row, request: requestFromDnp3(item) }
    : { row, response: responseFromDnp3(item) };
}
