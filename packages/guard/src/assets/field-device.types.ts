// What a field device says about itself: Modbus Read Device Identification (FC 43 / MEI 14)
// or DNP3 device attributes (group 0). Text is cut at MAX_ATTRIBUTE_TEXT characters.

export const MAX_ATTRIBUTE_TEXT = 128;

export interface FieldDeviceIdentity {
  vendor?: string;
  productCode?: string;
  /** Firmware/software revision (Modbus MajorMinorRevision, DNP3 g0v242). */
  revision?: string;
  hardwareRevision?: string;
  vendorUrl?: string;
  productName?: string;
  modelName?: string;
  userApplicationName?: string;
  /** DNP3 g0v246 user-assigned id, g0v247 device name, g0v248 serial number, g0v245 location. */
  userId?: string;
  deviceName?: string;
  serialNumber?: string;
  location?: string;
  /** Other attributes by number (Modbus private objects 0x80–0xFF, other DNP3 variations). */
  other?: Record<string, string>;
}

export type IdentityResult =
  | { ok: true; identity: FieldDeviceIdentity; moreFollows?: boolean; nextObjectId?: number }
  | { ok: false; reason: string };

/** Printable ASCII kept, anything else as \\xNN, cut at MAX_ATTRIBUTE_TEXT. */
export function attributeText(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to && s.length < MAX_ATTRIBUTE_TEXT; i++) {
    const c = b[i];
    s += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s.slice(0, MAX_ATTRIBUTE_TEXT);
}

/** At most this many attributes kept in `other`. */
export const MAX_OTHER_ATTRIBUTES = 32;

export function setOther(id: FieldDeviceIdentity, key: string, value: string): void {
  id.other ??= {};
  if (Object.keys(id.other).length < MAX_OTHER_ATTRIBUTES) id.other[key] = value;
}
