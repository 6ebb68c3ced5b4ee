import { Type, type Static } from '@sinclair/typebox';
import { SCHEMA_VERSION } from './device-messages.js';

// Process data: what a device reports on `data` — values of the data points its agent reads from
// local field devices (Modbus registers, a local command, a local socket), each with the time the
// source produced it and an honest quality. Batches carry a per-device sequence so that values kept
// while the link was down are delivered once, in order, after it returns (store and forward).

const V = Type.Literal(SCHEMA_VERSION);
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });

/** Data point names: `tank_level`, `pump1.run`, `flow-in`; lowercase, digits, `_`, `-`, `.`; 1..64 chars. */
export const DATA_POINT_PATTERN = '^[a-z][a-z0-9_.-]{0,63}$';
export const DATA_POINT_RE = new RegExp(DATA_POINT_PATTERN);

export const DATA_QUALITIES = ['good', 'uncertain', 'bad'] as const;
export type DataQuality = (typeof DATA_QUALITIES)[number];

export const DATA_TYPES = ['number', 'boolean', 'string'] as const;
export type DataType = (typeof DATA_TYPES)[number];

const PointName = Type.String({ pattern: DATA_POINT_PATTERN });

/** One value of one point. `v` is null only when the quality is bad and no value could be read. */
export const DataValue = Type.Object(
  {
    p: PointName,
    v: Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 256 }), Type.Null()]),
    /** Quality; `good` when absent. */
    q: Type.Optional(Type.Union(DATA_QUALITIES.map((q) => Type.Literal(q)))),
    /** Why the quality is not good: `timeout`, `exception-2`, `comm-lost`, `out-of-range`, … */
    r: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Source timestamp: when the agent read the value, ms since the epoch. */
    t: Millis,
  },
  { additionalProperties: false },
);
export type DataValue = Static<typeof DataValue>;

/** What a point is; sent with the first batch after (re)connect and whenever the definition changes. */
export const DataPointDefinition = Type.Object(
  {
    p: PointName,
    type: Type.Union(DATA_TYPES.map((t) => Type.Literal(t))),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** The source it is read from, for people: `modbus-tcp 10.0.0.5:502 unit 1 holding 40001`. */
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** The agent's declaration allows writes to this point (the hub still refuses them unless enabled there). */
    writable: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DataPointDefinition = Static<typeof DataPointDefinition>;

/** Values the agent had to drop (its store-and-forward buffer was full): reported, never silent. */
export const DataDropped = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    /** Source timestamps of the first and last value dropped. */
    from: Millis,
    to: Millis,
  },
  { additionalProperties: false },
);
export type DataDropped = Static<typeof DataDropped>;

/**
 * One `data` message. `seq` grows by one per batch and survives agent restarts; the hub files a
 * batch at most once per (device, seq), so a batch sent again after a lost acknowledgement is not
 * stored twice. `backlog` marks batches replayed from the store-and-forward buffer.
 */
export const DataMessage = Type.Object(
  {
    v: V,
    seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    values: Type.Array(DataValue, { maxItems: 2000 }),
    defs: Type.Optional(Type.Array(DataPointDefinition, { maxItems: 500 })),
    backlog: Type.Optional(Type.Boolean()),
    dropped: Type.Optional(DataDropped),
  },
  { additionalProperties: false },
);
export type DataMessage = Static<typeof DataMessage>;

/** Command the hub sends (over `cmd/req`) to write one point: `{ name: 'data.write', args: DataWriteArgs }`. */
export const DATA_WRITE_COMMAND = 'data.write';
export const DataWriteArgs = Type.Object(
  {
    p: PointName,
    v: Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 256 })]),
  },
  { additionalProperties: false },
);
export type DataWriteArgs = Static<typeof DataWriteArgs>;
