import { Type, type Static } from '@sinclair/typebox';

// Every device payload carries `v`, the schema version. Version 1 is the only one today.
export const SCHEMA_VERSION = 1;

const V = Type.Literal(SCHEMA_VERSION);
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const ShortText = Type.String({ maxLength: 128 });

export const StatusMessage = Type.Object(
  { v: V, state: Type.Union([Type.Literal('online'), Type.Literal('offline')]), ts: Millis },
  { additionalProperties: false },
);
export type StatusMessage = Static<typeof StatusMessage>;

export const HelloMessage = Type.Object(
  {
    v: V,
    agentVersion: ShortText,
    firmware: ShortText,
    model: ShortText,
    serial: Type.Optional(ShortText),
    hostname: Type.Optional(ShortText),
    bootId: ShortText,
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    healthIntervalS: Type.Integer({ minimum: 1, maximum: 86_400 }),
    capabilities: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type HelloMessage = Static<typeof HelloMessage>;

const Pct = Type.Number({ minimum: 0, maximum: 100 });
export const InterfaceStats = Type.Object(
  {
    name: Type.String({ maxLength: 32 }),
    up: Type.Boolean(),
    rxBytes: Type.Number({ minimum: 0 }),
    txBytes: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const HealthMessage = Type.Object(
  {
    v: V,
    ts: Millis,
    uptimeS: Type.Number({ minimum: 0 }),
    cpuPct: Pct,
    memUsedPct: Pct,
    diskUsedPct: Pct,
    load1: Type.Optional(Type.Number({ minimum: 0 })),
    temperatureC: Type.Optional(Type.Number({ minimum: -100, maximum: 200 })),
    signalDbm: Type.Optional(Type.Number({ minimum: -200, maximum: 0 })),
    interfaces: Type.Optional(Type.Array(InterfaceStats, { maxItems: 32 })),
  },
  { additionalProperties: false },
);
export type HealthMessage = Static<typeof HealthMessage>;

export const DeviceEvent = Type.Object(
  {
    // Monotonic per device across restarts: the hub uses it to drop duplicates after a redelivery.
    seq: Type.Integer({ minimum: 1 }),
    ts: Millis,
    type: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_.-]+$' }),
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    data: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type DeviceEvent = Static<typeof DeviceEvent>;

export const EventsMessage = Type.Object(
  { v: V, events: Type.Array(DeviceEvent, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export type EventsMessage = Static<typeof EventsMessage>;

export const COMMAND_NAMES = ['ping', 'reboot', 'get-info'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const CommandRequest = Type.Object(
  {
    v: V,
    id: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    args: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
    deadline: Millis,
  },
  { additionalProperties: false },
);
export type CommandRequest = Static<typeof CommandRequest>;

export const CommandResult = Type.Object(
  {
    v: V,
    id: Type.String({ minLength: 1, maxLength: 64 }),
    ok: Type.Boolean(),
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(
      Type.Object(
        { code: Type.String({ maxLength: 64 }), message: Type.String({ maxLength: 1024 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CommandResult = Static<typeof CommandResult>;
