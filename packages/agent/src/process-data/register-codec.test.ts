import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeValue, EncodeError, registerCount } from './register-codec.js';
import { planReads } from './read-plan.js';
import { parseReadResponse, readRequest } from './modbus-pdu.js';

describe('register decoding', () => {
  it('decodes every type, both word orders, and applies scale and offset', () => {
    assert.equal(decodeValue({ table: 'holding', type: 'uint16' }, [0xfffe]), 65534);
    assert.equal(decodeValue({ table: 'holding', type: 'int16' }, [0xfffe]), -2);
    assert.equal(decodeValue({ table: 'input', type: 'int16', scale: 0.1 }, [123]), 12.3);
    assert.equal(decodeValue({ table: 'input', type: 'uint16', scale: 0.01, offset: -40 }, [6543]), 25.43);
    assert.equal(decodeValue({ table: 'holding', type: 'uint32' }, [0x0001, 0x0002]), 65538);
    assert.equal(decodeValue({ table: 'holding', type: 'uint32', wordOrder: 'CDAB' }, [0x0002, 0x0001]), 65538);
    assert.equal(decodeValue({ table: 'holding', type: 'int32' }, [0xffff, 0xfffe]), -2);
    assert.equal(decodeValue({ table: 'holding', type: 'int32', wordOrder: 'CDAB' }, [0xfffe, 0xffff]), -2);
    // 12.5 as IEEE 754 single is 0x41480000.
    assert.equal(decodeValue({ table: 'holding', type: 'float32' }, [0x4148, 0x0000]), 12.5);
    assert.equal(decodeValue({ table: 'holding', type: 'float32', wordOrder: 'CDAB' }, [0x0000, 0x4148]), 12.5);
    assert.equal(decodeValue({ table: 'holding', type: 'float32' }, [0x3dcc, 0xcccd]), 0.1);
    assert.equal(decodeValue({ table: 'holding', type: 'bit', bit: 3 }, [0b1000]), true);
    assert.equal(decodeValue({ table: 'holding', type: 'bit', bit: 2 }, [0b1000]), false);
    assert.equal(decodeValue({ table: 'holding', type: 'string', length: 3 }, [0x5055, 0x4d50, 0x3100]), 'PUMP1');
    assert.equal(decodeValue({ table: 'coil', type: 'bool' }, [1]), true);
    assert.equal(decodeValue({ table: 'discrete', type: 'bool' }, [0]), false);
    assert.equal(registerCount({ table: 'holding', type: 'float32' }), 2);
    assert.equal(registerCount({ table: 'holding', type: 'string', length: 5 }), 5);
  });

  it('encodes writes as the inverse of decoding and refuses values that do not fit', () => {
    const cases = [
      [{ table: 'holding', type: 'uint16', scale: 0.1 }, 12.3],
      [{ table: 'holding', type: 'int16' }, -300],
      [{ table: 'holding', type: 'int32', wordOrder: 'CDAB' }, -70000],
      [{ table: 'holding', type: 'uint32' }, 4_000_000_000],
      [{ table: 'holding', type: 'float32', wordOrder: 'CDAB' }, 3.25],
      [{ table: 'holding', type: 'string', length: 2 }, 'AB'],
      [{ table: 'coil', type: 'bool' }, true],
    ] as const;
    for (const [l, v] of cases) assert.equal(decodeValue(l, encodeValue(l, v)), v, JSON.stringify(l));
    assert.deepEqual(encodeValue({ table: 'holding', type: 'uint32', wordOrder: 'CDAB' }, 65538), [2, 1]);
    const refused = (f: () => unknown, code: string) =>
      assert.throws(f, (e: unknown) => e instanceof EncodeError && e.code === code);
    refused(() => encodeValue({ table: 'holding', type: 'uint16' }, 70000), 'out_of_range');
    refused(() => encodeValue({ table: 'holding', type: 'int16' }, 'x'), 'wrong_type');
    refused(() => encodeValue({ table: 'coil', type: 'bool' }, 5), 'wrong_type');
    refused(() => encodeValue({ table: 'holding', type: 'bit', bit: 1 }, true), 'not_writable_type');
    refused(() => encodeValue({ table: 'holding', type: 'string', length: 1 }, 'ABC'), 'out_of_range');
  });
});

describe('the read plan', () => {
  it('reads adjacent registers of one unit and table together, never across gaps or the 125-register limit', () => {
    const p = (
      name: string,
      address: number,
      type = 'uint16' as const,
      table = 'holding' as const,
      unitId?: number,
    ) => ({
      p: name,
      table,
      address,
      type,
      ...(unitId !== undefined ? { unitId } : {}),
    });
    const blocks = planReads(
      [
        p('a', 0),
        { ...p('b', 1), type: 'float32' as const },
        p('c', 3),
        p('d', 10),
        p('e', 0, 'uint16', 'holding', 2),
        { p: 'f', table: 'input' as const, address: 0 },
        p('g', 11),
        p('h', 130),
        p('i', 131),
      ],
      1,
    );
    const shape = blocks.map((b) => [b.unitId, b.table, b.start, b.count, b.points.map((x) => x.p).join('')]);
    assert.deepEqual(shape, [
      [1, 'holding', 0, 4, 'abc'],
      [1, 'holding', 10, 2, 'dg'],
      [1, 'holding', 130, 2, 'hi'],
      [2, 'holding', 0, 1, 'e'],
      [1, 'input', 0, 1, 'f'],
    ]);
    const many = Array.from({ length: 130 }, (_, i) => p(`r${i}`, i));
    assert.deepEqual(
      planReads(many, 1).map((b) => [b.start, b.count]),
      [
        [0, 125],
        [125, 5],
      ],
    );
  });

  it('reads the answers: registers, bits, and exceptions as quality reasons', () => {
    const req = readRequest('holding', 0, 2);
    assert.deepEqual(parseReadResponse(req, Buffer.from([3, 4, 0, 7, 0xff, 0xff])), [7, 65535]);
    const bits = readRequest('coil', 0, 10);
    assert.deepEqual(parseReadResponse(bits, Buffer.from([1, 2, 0b101, 0b10])), [1, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    assert.throws(
      () => parseReadResponse(req, Buffer.from([0x83, 2])),
      (e: unknown) => (e as { reason: string }).reason === 'exception-2',
    );
  });
});
