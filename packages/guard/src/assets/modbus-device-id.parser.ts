import { attributeText, setOther, type FieldDeviceIdentity, type IdentityResult } from './field-device.types.js';

// Modbus Read Device Identification response (Modbus Application Protocol v1.1b3 §6.21):
// 0x2B, MEI type 0x0E, read device id code, conformity level, more follows (0x00/0xFF),
// next object id, number of objects, then per object: id, length, value.

const STANDARD: Record<number, keyof FieldDeviceIdentity> = {
  0: 'vendor',
  1: 'productCode',
  2: 'revision',
  3: 'vendorUrl',
  4: 'productName',
  5: 'modelName',
  6: 'userApplicationName',
};

/** Decodes the PDU of a Read Device Identification response (function code first). */
export function parseModbusDeviceIdentification(p: Uint8Array): IdentityResult {
  if (p[0] !== 0x2b || p[1] !== 0x0e) return { ok: false, reason: 'not_device_identification' };
  if (p.length < 7) return { ok: false, reason: 'pdu_length' };
  if (p[4] !== 0x00 && p[4] !== 0xff) return { ok: false, reason: 'more_follows' };
  const identity: FieldDeviceIdentity = {};
  let off = 7;
  for (let i = 0; i < p[6]; i++) {
    if (off + 2 > p.length || off + 2 + p[off + 1] > p.length) return { ok: false, reason: 'object_list' };
    const id = p[off];
    const text = attributeText(p, off + 2, off + 2 + p[off + 1]);
    const field = STANDARD[id];
    if (field) (identity as Record<string, string>)[field] = text;
    else setOther(identity, `0x${id.toString(16).padStart(2, '0')}`, text);
    off += 2 + p[off + 1];
  }
  if (off !== p.length) return { ok: false, reason: 'object_list' };
  return { ok: true, identity, moreFollows: p[4] === 0xff, nextObjectId: p[5] };
}

/** A Read Device Identification request PDU: stream access (code 1 basic, 2 regular, 3 extended) from `objectId`. */
export function modbusDeviceIdentificationRequest(code: 1 | 2 | 3, objectId = 0): Uint8Array {
  return Uint8Array.from([0x2b, 0x0e, code, objectId]);
}
