import { Type, type Static } from '@sinclair/typebox';
import { compileValidator, DATA_POINT_PATTERN } from '@outpost/protocol';
import { REGISTER_TABLES, REGISTER_TYPES, isBitTable, registerCount } from './register-codec.js';

// The data sources file (`--data-sources FILE`, or the `data.sources` setting a configuration
// template delivers): which values the agent reads, from where, and how it reports them.

const Name = Type.String({ pattern: DATA_POINT_PATTERN });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
/** Line speeds a Modbus RTU line may be set to. */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200] as const;
const Ms = (min: number, max: number) => Type.Integer({ minimum: min, maximum: max });

const PointCommon = {
  p: Name,
  description: Type.Optional(Text(200)),
  unit: Type.Optional(Text(16)),
  /** Report a number again only when it moved more than this since the last report. */
  deadband: Type.Optional(Type.Number({ minimum: 0 })),
  /** Report at least this often even when nothing changed (seconds). */
  maxSilenceS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  /** A value outside [min, max] is reported with quality `uncertain` (`out-of-range`). */
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
};

const ModbusPoint = Type.Object(
  {
    ...PointCommon,
    /** Modbus unit id (slave address); default the source's. */
    unitId: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    table: Type.Union(REGISTER_TABLES.map((t) => Type.Literal(t))),
    /** Zero-based register or bit address (40001 is holding 0). */
    address: Type.Integer({ minimum: 0, maximum: 65_535 }),
    type: Type.Optional(Type.Union(REGISTER_TYPES.map((t) => Type.Literal(t)))),
    wordOrder: Type.Optional(Type.Union([Type.Literal('ABCD'), Type.Literal('CDAB')])),
    bit: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
    length: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    scale: Type.Optional(Type.Number()),
    offset: Type.Optional(Type.Number()),
    writable: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ModbusPointConfig = Static<typeof ModbusPoint>;

const Poll = {
  intervalMs: Type.Optional(Ms(100, 86_400_000)),
  timeoutMs: Type.Optional(Ms(50, 60_000)),
  /** Default Modbus unit id of the points (default 1). */
  unitId: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
};
const Points = <T extends Parameters<typeof Type.Array>[0]>(p: T) => Type.Array(p, { minItems: 1, maxItems: 500 });

const ModbusTcpSource = Type.Object(
  {
    kind: Type.Literal('modbus-tcp'),
    host: Text(253),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
    /** `true`: poll only through this agent's guard in front of the device, never around it. */
    guarded: Type.Optional(Type.Boolean()),
    ...Poll,
    points: Points(ModbusPoint),
  },
  { additionalProperties: false },
);
const ModbusRtuSource = Type.Object(
  {
    kind: Type.Literal('modbus-rtu'),
    /** Serial device. */
    device: Type.String({ pattern: '^/[^\\s]+$', maxLength: 200 }),
    /** Line settings, applied with stty before the line is opened (8 data bits, raw); absent: left as they are. */
    baudRate: Type.Optional(Type.Union(BAUD_RATES.map((b) => Type.Literal(b)))),
    parity: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('even'), Type.Literal('odd')])),
    stopBits: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    ...Poll,
    points: Points(ModbusPoint),
  },
  { additionalProperties: false },
);
const ValuePoint = Type.Object(
  {
    ...PointCommon,
    type: Type.Optional(Type.Union([Type.Literal('number'), Type.Literal('boolean'), Type.Literal('string')])),
  },
  { additionalProperties: false },
);
export type ValuePointConfig = Static<typeof ValuePoint>;
const CommandSource = Type.Object(
  {
    kind: Type.Literal('command'),
    /** Program and arguments, run without a shell; argv[0] is an absolute path. */
    argv: Type.Array(Type.String({ maxLength: 1000 }), { minItems: 1, maxItems: 64 }),
    intervalMs: Type.Optional(Ms(1000, 86_400_000)),
    timeoutMs: Type.Optional(Ms(100, 300_000)),
    maxOutputBytes: Type.Optional(Type.Integer({ minimum: 64, maximum: 1_048_576 })),
    points: Points(ValuePoint),
  },
  { additionalProperties: false },
);
const SocketSource = Type.Object(
  {
    kind: Type.Literal('socket'),
    /** A Unix socket path, or a TCP port on 127.0.0.1. */
    path: Type.Optional(Type.String({ pattern: '^/[^\\s]+$', maxLength: 100 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
    maxLineBytes: Type.Optional(Type.Integer({ minimum: 64, maximum: 65_536 })),
    maxLinesPerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    points: Points(ValuePoint),
  },
  { additionalProperties: false },
);
const Source = Type.Union([ModbusTcpSource, ModbusRtuSource, CommandSource, SocketSource]);
export type SourceConfig = Static<typeof Source>;
export type ModbusSourceConfig = Static<typeof ModbusTcpSource> | Static<typeof ModbusRtuSource>;
export type CommandSourceConfig = Static<typeof CommandSource>;
export type SocketSourceConfig = Static<typeof SocketSource>;

const DataConfigSchema = Type.Object(
  {
    /** Default for points without maxSilenceS. */
    maxSilenceS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    queue: Type.Optional(
      Type.Object(
        {
          maxBytes: Type.Optional(Type.Integer({ minimum: 65_536, maximum: 4_294_967_296 })),
          maxBatches: Type.Optional(Type.Integer({ minimum: 10, maximum: 1_000_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    sources: Type.Array(Source, { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type DataConfig = Static<typeof DataConfigSchema>;

const validate = compileValidator(DataConfigSchema);
const BY_KIND: Record<string, ReturnType<typeof compileValidator>> = {
  'modbus-tcp': compileValidator(ModbusTcpSource),
  'modbus-rtu': compileValidator(ModbusRtuSource),
  command: compileValidator(CommandSource),
  socket: compileValidator(SocketSource),
};
export const MAX_POINTS = 500;

export class DataConfigError extends Error {
  readonly code = 'data_sources_invalid';
}

/**
 * Reads a data sources document: the whole object, or just its `sources` list (as the
 * `data.sources` setting carries it). Throws DataConfigError naming the first problem.
 */
export function parseDataConfig(text: string): DataConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DataConfigError(`data sources are not valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(raw)) raw = { sources: raw };
  // Each source against the schema of its kind first: a union's own error says only "no match".
  const list = (raw as { sources?: unknown } | null)?.sources;
  if (Array.isArray(list))
    list.forEach((src, i) => {
      const kind = (src as { kind?: unknown } | null)?.kind;
      const v = typeof kind === 'string' ? BY_KIND[kind] : undefined;
      if (!v)
        throw new DataConfigError(`data sources: /sources/${i}/kind must be one of ${Object.keys(BY_KIND).join(', ')}`);
      const c = v.check(src);
      if (!c.ok) throw new DataConfigError(`data sources: /sources/${i}${c.message}`);
    });
  const r = validate.check(raw);
  if (!r.ok) throw new DataConfigError(`data sources: ${r.message}`);
  const seen = new Set<string>();
  for (const s of r.value.sources) {
    if (s.kind === 'command' && !s.argv[0].startsWith('/'))
      throw new DataConfigError(`data sources: command "${s.argv[0]}" must be an absolute path`);
    if (s.kind === 'socket' && (s.path === undefined) === (s.port === undefined))
      throw new DataConfigError('data sources: a socket source has either a path or a port');
    for (const p of s.points) {
      if (seen.has(p.p)) throw new DataConfigError(`data sources: point "${p.p}" is declared twice`);
      seen.add(p.p);
      if ('table' in p) checkModbusPoint(p);
    }
  }
  if (seen.size > MAX_POINTS) throw new DataConfigError(`data sources: more than ${MAX_POINTS} points`);
  return r.value;
}

function checkModbusPoint(p: ModbusPointConfig): void {
  const type = p.type ?? (isBitTable(p.table) ? 'bool' : 'uint16');
  if (isBitTable(p.table) && type !== 'bool')
    throw new DataConfigError(`data sources: point "${p.p}" in ${p.table}s must be of type bool`);
  if (type === 'bit' && p.bit === undefined)
    throw new DataConfigError(`data sources: point "${p.p}" of type bit needs "bit"`);
  if (type === 'string' && p.length === undefined)
    throw new DataConfigError(`data sources: point "${p.p}" of type string needs "length" (registers)`);
  if (p.writable && (p.table === 'discrete' || p.table === 'input'))
    throw new DataConfigError(`data sources: point "${p.p}" cannot be writable: ${p.table} tables are read-only`);
  if (p.address + registerCount({ ...p, type }) > 65_536)
    throw new DataConfigError(`data sources: point "${p.p}" runs past address 65535`);
}

/** The register type of a Modbus point, with its table's default. */
export const pointType = (p: ModbusPointConfig) => p.type ?? (isBitTable(p.table) ? 'bool' : 'uint16');
