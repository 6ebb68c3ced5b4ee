import type { GuardRequest, GuardResponse } from '../shared/guard.types.js';
import { isResponseFunction } from '../dnp3/dnp3-function.catalog.js';
import { MBAP_HEADER_LENGTH } from '../modbus/modbus-tcp.parser.js';
import type { ModbusTcpAdu } from '../modbus/modbus.types.js';
import type { ModbusRtuAdu } from '../modbus/modbus-rtu.parser.js';
import type { MbapHeader } from '../modbus/modbus-tcp.parser.js';
import type { Dnp3PointValue, Dnp3StreamItem } from '../dnp3/dnp3.types.js';

// Turns parser output into the protocol-neutral request the policy engine takes.

function pduFields(
  pdu: ModbusTcpAdu['pdu'],
): Pick<GuardRequest, 'fc' | 'class' | 'ranges' | 'values' | 'malformed' | 'unattributed' | 'sub'> {
  return {
    fc: pdu.function,
    class: pdu.class,
    ranges: pdu.ranges,
    ...(pdu.subFunction !== undefined ? { sub: pdu.subFunction } : {}),
    ...(pdu.unattributed ? { unattributed: pdu.unattributed } : {}),
    ...(pdu.values ? { values: pdu.values } : {}),
    ...(pdu.malformed ? { malformed: pdu.malformed } : {}),
  };
}

export function requestFromModbusTcp(adu: ModbusTcpAdu): GuardRequest {
  return {
    protocol: 'modbus',
    framing: 'tcp',
    unit: adu.unit,
    transactionId: adu.transactionId,
    ...pduFields(adu.pdu),
  };
}

export function requestFromModbusRtu(adu: ModbusRtuAdu): GuardRequest {
  return { protocol: 'modbus', framing: 'rtu', unit: adu.unit, ...pduFields(adu.pdu) };
}

/** A request that could not be framed; unit is -1 when unknown. */
export function malformedModbusRequest(
  reason: string,
  framing: 'tcp' | 'rtu',
  header?: Partial<MbapHeader>,
): GuardRequest {
  return {
    protocol: 'modbus',
    framing,
    unit: header?.unit ?? -1,
    fc: -1,
    class: 'malformed',
    ranges: [],
    malformed: reason,
    ...(header?.transactionId !== undefined ? { transactionId: header.transactionId } : {}),
  };
}

/**
 * The request carried by one DNP3 stream item: its application fragment when it completed
 * one, a malformed request when it could not be parsed, or undefined for link-layer service
 * frames and intermediate transport segments (which carry no application function).
 */
export function requestFromDnp3(item: Dnp3StreamItem): GuardRequest | undefined {
  const unit = item.link?.destination ?? -1;
  const link = item.link ? { linkSource: item.link.source } : {};
  if (item.app) {
    const a = item.app;
    return {
      protocol: 'dnp3',
      unit,
      fc: a.function,
      class: a.class,
      ranges: a.ranges,
      objects: a.objects,
      appSeq: a.seq,
      ...(item.fragment ? { objectBytes: item.fragment.subarray(2) } : {}),
      ...link,
      ...(a.points && a.class !== 'response' ? { points: a.points } : {}),
      ...(a.unattributed?.length ? { unattributed: a.unattributed } : {}),
      ...(a.malformed ? { malformed: a.malformed } : {}),
    };
  }
  if (item.malformed)
    return { protocol: 'dnp3', unit, fc: -1, class: 'malformed', ranges: [], malformed: item.malformed, ...link };
  return undefined;
}

/** The reply a Modbus TCP ADU from the device carries. */
export function responseFromModbusTcp(adu: ModbusTcpAdu): GuardResponse {
  return {
    protocol: 'modbus',
    unit: adu.unit,
    fc: adu.pdu.function,
    transactionId: adu.transactionId,
    pdu: adu.raw.subarray(MBAP_HEADER_LENGTH),
    ...(adu.pdu.exceptionCode !== undefined ? { exceptionCode: adu.pdu.exceptionCode } : {}),
  };
}

// A response echoes the commands it answers (g12, g41): those are no values read from the device.
const isReported = (p: Dnp3PointValue) => p.group !== 12 && p.group !== 41;

/** The reply a DNP3 stream item from the outstation completed, if any. */
export function responseFromDnp3(item: Dnp3StreamItem): GuardResponse | undefined {
  const a = item.app;
  if (!a || !isResponseFunction(a.function)) return undefined;
  return {
    protocol: 'dnp3',
    unit: item.link?.source ?? -1,
    fc: a.function,
    ...(a.iin !== undefined ? { iin: a.iin } : {}),
    ...(a.points ? { points: a.points.filter(isReported) } : {}),
  };
}
