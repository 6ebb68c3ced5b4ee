import { u16le, u32le } from '../shared/bytes.util.js';
import { attributeText, setOther, type FieldDeviceIdentity, type IdentityResult } from './field-device.types.js';

// DNP3 device attributes, group 0 (IEEE 1815-2012 §A.2): in a response each object is a data
// type code, a length and the value. Known variations: 242 software version, 243 hardware
// version, 245 location, 246 user-assigned id, 247 device name, 248 serial number, 250
// product name and model, 252 manufacturer name. Only the group 0 objects at the start of
// the response are read; the walk stops at the first other group.

const VARIATIONS: Record<number, keyof FieldDeviceIdentity> = {
  242: 'revision',
  243: 'hardwareRevision',
  245: 'location',
  246: 'userId',
  247: 'deviceName',
  248: 'serialNumber',
  250: 'productName',
  252: 'vendor',
};

// Data types (Table 12-2 of 1815): 1 VSTR, 2 UINT, 3 INT, 4 FLT, 5 OSTR, 6 BSTR, 7 TIME.
function valueText(b: Uint8Array, type: number, at: number, len: number): string {
  if (type === 2 && len >= 1 && len <= 4) return String(len === 1 ? b[at] : len === 2 ? u16le(b, at) : u32le(b, at));
  if (type === 5 || type === 6)
    return Array.from(b.subarray(at, at + Math.min(len, 64)), (x) => x.toString(16).padStart(2, '0')).join('');
  return attributeText(b, at, at + len);
}

// The number of objects the header's range names: qualifiers 0x00/0x01 (start-stop) and
// 0x17/0x28 (count with an index prefix of 1 or 2 octets).
function range(b: Uint8Array, at: number, q: number): { count: number; prefix: number; next: number } | undefined {
  if (q === 0x00 && at + 2 <= b.length) return { count: b[at + 1] - b[at] + 1, prefix: 0, next: at + 2 };
  if (q === 0x01 && at + 4 <= b.length) return { count: u16le(b, at + 2) - u16le(b, at) + 1, prefix: 0, next: at + 4 };
  if (q === 0x17 && at + 1 <= b.length) return { count: b[at], prefix: 1, next: at + 1 };
  if (q === 0x28 && at + 2 <= b.length) return { count: u16le(b, at), prefix: 2, next: at + 2 };
  return undefined;
}

/** Decodes the group 0 objects of a response fragment (application header and IIN first). */
export function parseDnp3DeviceAttributes(frag: Uint8Array): IdentityResult {
  if (frag.length < 4 || (frag[1] !== 0x81 && frag[1] !== 0x82)) return { ok: false, reason: 'not_a_response' };
  const identity: FieldDeviceIdentity = {};
  let at = 4;
  let found = 0;
  // A fragment is at most 2,048 octets: the loop ends with the octets.
  while (at + 3 <= frag.length && frag[at] === 0) {
    const variation = frag[at + 1];
    const r = range(frag, at + 3, frag[at + 2]);
    if (!r || r.count < 1 || r.count > 256) return { ok: false, reason: 'g0_bad_range' };
    at = r.next;
    for (let i = 0; i < r.count; i++) {
      at += r.prefix;
      if (at + 2 > frag.length || at + 2 + frag[at + 1] > frag.length) return { ok: false, reason: 'g0_truncated' };
      const text = valueText(frag, frag[at], at + 2, frag[at + 1]);
      const field = VARIATIONS[variation];
      if (field) (identity as Record<string, string>)[field] = text;
      else setOther(identity, `g0v${variation}`, text);
      at += 2 + frag[at + 1];
      found++;
    }
  }
  return found ? { ok: true, identity } : { ok: false, reason: 'no_device_attributes' };
}
