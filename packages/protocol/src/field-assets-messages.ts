import { Type, type Static } from '@sinclair/typebox';
import { SCHEMA_VERSION } from './device-messages.js';

// Field devices behind a gateway: what the Modbus and DNP3 devices its guards protect said about
// themselves (Modbus Read Device Identification FC 43/14, DNP3 group 0 device attributes),
// reported on `guard/assets` when the inventory changes. Every list and text is bounded.

const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Attr = Type.Optional(Type.String({ maxLength: 128 }));

/** At most this many field devices per report (all targets of one gateway). */
export const MAX_FIELD_ASSETS_PER_REPORT = 256;

export const FieldIdentity = Type.Object(
  {
    vendor: Attr,
    productCode: Attr,
    revision: Attr,
    hardwareRevision: Attr,
    vendorUrl: Attr,
    productName: Attr,
    modelName: Attr,
    userApplicationName: Attr,
    userId: Attr,
    deviceName: Attr,
    serialNumber: Attr,
    location: Attr,
    other: Type.Optional(
      Type.Record(Type.String({ pattern: '^(0x[0-9a-f]{2}|g0v[0-9]{1,3})$' }), Type.String({ maxLength: 128 }), {
        maxProperties: 32,
      }),
    ),
  },
  { additionalProperties: false },
);
export type FieldIdentity = Static<typeof FieldIdentity>;

export const FieldAsset = Type.Object(
  {
    /** The guard that saw it (its name in the agent's configuration). */
    target: Type.String({ minLength: 1, maxLength: 128 }),
    protocol: Type.Union([Type.Literal('modbus'), Type.Literal('dnp3')]),
    /** Modbus unit id (0–255) or DNP3 outstation address (0–65535). */
    address: Type.Integer({ minimum: 0, maximum: 65535 }),
    identity: FieldIdentity,
    firstSeen: Millis,
    lastSeen: Millis,
    /** How the identity was learnt: from a master's exchange, or asked by the guard itself. */
    source: Type.Optional(Type.Union([Type.Literal('passive'), Type.Literal('active')])),
    /** Where the field device sits, e.g. "tcp:10.0.0.5:502", "rtu:/dev/ttyS1". */
    interface: Type.Optional(Type.String({ minLength: 1, maxLength: 160 })),
  },
  { additionalProperties: false },
);
export type FieldAsset = Static<typeof FieldAsset>;

/** The whole field inventory of one gateway: each report replaces the one before. */
export const FieldAssetsMessage = Type.Object(
  {
    v: Type.Literal(SCHEMA_VERSION),
    ts: Millis,
    assets: Type.Array(FieldAsset, { maxItems: MAX_FIELD_ASSETS_PER_REPORT }),
  },
  { additionalProperties: false },
);
export type FieldAssetsMessage = Static<typeof FieldAssetsMessage>;

/** A field device as the hub lists it: where it sits, what it said about itself, when. */
export interface FieldDeviceRecord {
  /** The gateway whose guard saw it. */
  deviceId: string;
  target: string;
  protocol: 'modbus' | 'dnp3';
  address: number;
  vendor: string | null;
  /** Product name, else product code, else model name. */
  product: string | null;
  /** Firmware/software revision. */
  revision: string | null;
  identity: FieldIdentity;
  /** How the identity was learnt (null: reported by an agent that does not say). */
  source: 'passive' | 'active' | null;
  /** Where the field device sits, e.g. "rtu:/dev/ttyS1" (null: not reported). */
  interface: string | null;
  firstSeen: string;
  lastSeen: string;
  reportedAt: string;
}
