import { Type, type Static } from '@sinclair/typebox';
import { SCHEMA_VERSION } from './device-messages.js';

// Cellular and location: what a device reports on `cellular` — its modems (ModemManager), their
// SIMs and radio signal, cumulative byte counters of its interfaces, and its GNSS fix (gpsd).
// A value the device could not read is absent, never zero.

const V = Type.Literal(SCHEMA_VERSION);
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Db = Type.Number({ minimum: -200, maximum: 100 });

/** ITU-T E.118 ICCID: 18 to 22 digits (some SIMs end in an F filler, kept as reported). */
export const ICCID_PATTERN = '^[0-9]{18,21}[0-9Ff]?$';
/** 3GPP TS 23.003 IMEI (15 digits) or IMEISV (16); MEIDs are 14 hex characters. */
export const EQUIPMENT_ID_PATTERN = '^[0-9A-Fa-f]{14,16}$';

/** Radio access technologies as the hub files them (the newest one a modem uses is its `rat`). */
export const CELL_RATS = ['gsm', 'umts', 'lte', '5g-nsa', '5g-sa'] as const;
export type CellRat = (typeof CELL_RATS)[number];

/** Signal of one technology in dBm / dB (RSSI, RSRP, RSRQ, SNR), as the modem measured it. */
export const CellSignal = Type.Object(
  {
    rssi: Type.Optional(Db),
    rsrp: Type.Optional(Db),
    rsrq: Type.Optional(Db),
    snr: Type.Optional(Db),
  },
  { additionalProperties: false },
);
export type CellSignal = Static<typeof CellSignal>;

export const CellOperator = Type.Object(
  {
    name: Type.Optional(Text(64)),
    mcc: Type.String({ pattern: '^[0-9]{3}$' }),
    mnc: Type.String({ pattern: '^[0-9]{2,3}$' }),
  },
  { additionalProperties: false },
);
export type CellOperator = Static<typeof CellOperator>;

export const CellSim = Type.Object(
  {
    iccid: Type.Optional(Type.String({ pattern: ICCID_PATTERN })),
    imsi: Type.Optional(Type.String({ pattern: '^[0-9]{6,15}$' })),
    operator: Type.Optional(CellOperator),
  },
  { additionalProperties: false },
);
export type CellSim = Static<typeof CellSim>;

export const CellModem = Type.Object(
  {
    /** The modem's index in ModemManager (`/org/freedesktop/ModemManager1/Modem/N`). */
    index: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    manufacturer: Type.Optional(Text(64)),
    model: Type.Optional(Text(64)),
    firmware: Type.Optional(Text(96)),
    equipmentId: Type.Optional(Type.String({ pattern: EQUIPMENT_ID_PATTERN })),
    /** ModemManager's modem state: failed, locked, disabled, registered, connected… */
    state: Text(32),
    failedReason: Type.Optional(Text(32)),
    /** What must be entered before the modem works (`sim-pin`, `sim-puk`…). */
    unlockRequired: Type.Optional(Text(32)),
    accessTechnologies: Type.Array(Text(16), { maxItems: 8 }),
    rat: Type.Optional(Type.Union(CELL_RATS.map((r) => Type.Literal(r)))),
    /** ModemManager's 0–100 signal quality. */
    signalQuality: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    registration: Type.Optional(Text(32)),
    roaming: Type.Boolean(),
    operator: Type.Optional(CellOperator),
    sim: Type.Optional(CellSim),
    signal: Type.Optional(
      Type.Object(
        {
          gsm: Type.Optional(CellSignal),
          umts: Type.Optional(CellSignal),
          lte: Type.Optional(CellSignal),
          nr5g: Type.Optional(CellSignal),
        },
        { additionalProperties: false },
      ),
    ),
    apn: Type.Optional(Text(100)),
    /** The network interface its data bearer runs on (wwan0). */
    interface: Type.Optional(Text(32)),
  },
  { additionalProperties: false },
);
export type CellModem = Static<typeof CellModem>;

/** Cumulative bytes of one interface since `epoch` began: only grows (the agent folds wraps and reboots in). */
export const CellCounter = Type.Object(
  {
    name: Text(32),
    rxBytes: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    txBytes: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  },
  { additionalProperties: false },
);
export type CellCounter = Static<typeof CellCounter>;

export const GeoFix = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    altM: Type.Optional(Type.Number({ minimum: -1000, maximum: 100_000 })),
    /** Estimated horizontal error (gpsd `eph`), metres. */
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7 })),
    speedMps: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
    trackDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    /** gpsd's fix mode: 2 = 2D, 3 = 3D. */
    mode: Type.Union([Type.Literal(2), Type.Literal(3)]),
    fixAt: Millis,
  },
  { additionalProperties: false },
);
export type GeoFix = Static<typeof GeoFix>;

/** One cellular/location report. `counters` are totals since `epoch`, so a lost report loses nothing. */
export const CellularMessage = Type.Object(
  {
    v: V,
    ts: Millis,
    modems: Type.Array(CellModem, { maxItems: 4 }),
    counters: Type.Object(
      {
        /** Changes when the device lost its counter state: totals start again from zero. */
        epoch: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
        interfaces: Type.Array(CellCounter, { maxItems: 16 }),
      },
      { additionalProperties: false },
    ),
    location: Type.Optional(GeoFix),
  },
  { additionalProperties: false },
);
export type CellularMessage = Static<typeof CellularMessage>;
