// Builders for synthetic Modbus frames used by the tests.
import { withModbusCrc } from './modbus-rtu.parser.js';

const w = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];

export function mbap(transactionId: number, unit: number, pdu: Uint8Array | number[]): Uint8Array {
  const body = Uint8Array.from(pdu);
  return Uint8Array.from([...w(transactionId), 0, 0, ...w(body.length + 1), unit, ...body]);
}

export function rtu(unit: number, pdu: Uint8Array | number[]): Uint8Array {
  return withModbusCrc(Uint8Array.from([unit, ...pdu]));
}

function packBits(bits: number[]): number[] {
  const out = new Array<number>(Math.ceil(bits.length / 8)).fill(0);
  bits.forEach((b, i) => {
    if (b) out[i >> 3] |= 1 << (i & 7);
  });
  return out;
}

export const req = {
  read: (fc: number, start: number, qty: number): number[] => [fc, ...w(start), ...w(qty)],
  writeCoil: (addr: number, on: boolean): number[] => [5, ...w(addr), on ? 0xff : 0, 0],
  writeRegister: (addr: number, value: number): number[] => [6, ...w(addr), ...w(value)],
  writeCoils: (start: number, bits: number[]): number[] => {
    const packed = packBits(bits);
    return [15, ...w(start), ...w(bits.length), packed.length, ...packed];
  },
  writeRegisters: (start: number, values: number[]): number[] => [
    16,
    ...w(start),
    ...w(values.length),
    values.length * 2,
    ...values.flatMap(w),
  ],
  maskWrite: (addr: number, and: number, or: number): number[] => [22, ...w(addr), ...w(and), ...w(or)],
  readWrite: (rs: number, rq: number, ws: number, values: number[]): number[] => [
    23,
    ...w(rs),
    ...w(rq),
    ...w(ws),
    ...w(values.length),
    values.length * 2,
    ...values.flatMap(w),
  ],
  diagnostics: (sub: number, data: number): number[] => [8, ...w(sub), ...w(data)],
  deviceId: (code: number, objectId: number): number[] => [43, 14, code, objectId],
  plain: (fc: number): number[] => [fc],
};

export const res = {
  readBits: (fc: number, bits: number[]): number[] => {
    const p = packBits(bits);
    return [fc, p.length, ...p];
  },
  readRegisters: (fc: number, values: number[]): number[] => [fc, values.length * 2, ...values.flatMap(w)],
  echo: (pdu: number[]): number[] => pdu.slice(0, 5),
  exception: (fc: number, code: number): number[] => [fc | 0x80, code],
  deviceId: (objects: Array<[number, string]>): number[] => [
    43,
    14,
    1,
    0x01,
    0,
    0,
    objects.length,
    ...objects.flatMap(([id, s]) => [id, s.length, ...Buffer.from(s, 'latin1')]),
  ],
};

/** A valid request PDU of every supported shape, for property tests. */
export function sampleRequests(): number[][] {
  return [
    req.read(1, 0, 2000),
    req.read(2, 100, 1),
    req.read(3, 0, 125),
    req.read(4, 65535, 1),
    req.writeCoil(7, true),
    req.writeCoil(8, false),
    req.writeRegister(1, 0xbeef),
    req.writeCoils(10, [1, 0, 1, 1, 0, 0, 1, 0, 1]),
    req.writeRegisters(20, [1, 2, 3]),
    req.maskWrite(4, 0xf2, 0x25),
    req.readWrite(3, 6, 14, [0xff, 0xff, 0xff]),
    req.diagnostics(0, 0xa537),
    req.deviceId(1, 0),
    req.plain(7),
    req.plain(11),
    req.plain(12),
    req.plain(17),
    [24, 0x04, 0xde],
    [20, 7, 6, 0, 4, 0, 1, 0, 2],
    [99, 1, 2, 3],
  ];
}

export function sampleResponses(): number[][] {
  return [
    res.readBits(1, [1, 0, 1]),
    res.readRegisters(3, [1, 2, 3]),
    res.readRegisters(4, [0xffff]),
    res.echo(req.writeCoil(7, true)),
    res.echo(req.writeRegisters(20, [1, 2])),
    res.exception(3, 2),
    req.maskWrite(4, 0xf2, 0x25),
    res.deviceId([
      [0, 'Outpost'],
      [1, 'PLC'],
      [2, '1.0'],
    ]),
    [7, 0x6d],
    [11, 0xff, 0xff, 0x01, 0x08],
    [24, 0, 6, 0, 2, 1, 0xb8, 0x12, 0x84],
  ];
}
