import type { RawBuilder, SqlBool } from 'kysely';

/** Where a piece of the filter text sits: a 0-based character offset and its length. */
export interface Span {
  position: number;
  length: number;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterFlag = 'online' | 'offline' | 'never_seen' | 'decommissioned';

/** Fields that map to one column of `devices`. */
export type ColumnField =
  | 'id'
  | 'name'
  | 'serial'
  | 'model'
  | 'firmware'
  | 'agent_version'
  | 'location'
  | 'ip'
  | 'presence'
  | 'enrolled_at'
  | 'last_seen'
  | 'cert_expires';

/** Fields of the device's cellular inventory (`cell.carrier`…), one column of `device_cellular` each. */
export type CellField =
  'carrier' | 'iccid' | 'imei' | 'imsi' | 'rat' | 'rsrp' | 'rsrq' | 'snr' | 'roaming' | 'mcc' | 'mnc' | 'apn';

/** A device data point's latest value (`data.tank_level`) or its quality (`data.tank_level.quality`). */
export type DataFieldRef = { name: 'data'; point: string; part: 'value' | 'quality' };

export type FieldRef =
  | { name: ColumnField }
  | { name: 'group' }
  | { name: 'tag'; key: string }
  | { name: 'cell'; key: CellField }
  | DataFieldRef;

/** Where a device is (its last GNSS fix): within a radius of a point, or inside a box. */
export type GeoArea =
  | { shape: 'radius'; lat: number; lon: number; radiusM: number }
  | { shape: 'bbox'; south: number; west: number; north: number; east: number };

/**
 * A literal after validation. `number` keeps its source text because equality is
 * always textual; `relative` is resolved against the compile-time clock.
 */
export type FilterValue =
  | ({ type: 'text'; text: string } & Span)
  | ({ type: 'number'; text: string; value: number } & Span)
  | ({ type: 'time'; iso: string } & Span)
  | ({ type: 'relative'; text: string; offsetMs: number } & Span);

export type FilterAst =
  | { kind: 'or'; items: FilterAst[] }
  | { kind: 'and'; items: FilterAst[] }
  | { kind: 'not'; item: FilterAst }
  | { kind: 'flag'; flag: FilterFlag }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: FilterValue }
  | { kind: 'in'; field: FieldRef; values: FilterValue[] }
  | { kind: 'exists'; field: FieldRef }
  | { kind: 'contains'; field: FieldRef; value: FilterValue }
  | { kind: 'geo'; area: GeoArea };

export type ParseErrorCode = 'filter_syntax' | 'filter_unknown_field';

export type FilterErrorCode =
  | ParseErrorCode
  | 'filter_unknown_group'
  // A dynamic group that (directly or through others) refers back to itself.
  | 'filter_group_cycle'
  // A dynamic group without a usable filter, or nested too deeply.
  | 'filter_group_invalid';

export interface FilterError {
  code: FilterErrorCode;
  message: string;
  position: number;
  length?: number;
}

export interface FilterParseError extends FilterError {
  code: ParseErrorCode;
}

export type ParseResult = { ok: true; ast: FilterAst } | { ok: false; error: FilterParseError };

export type CompileResult = { ok: true; sql: RawBuilder<SqlBool> } | { ok: false; error: FilterError };

/** A group as the compiler needs it; the map holding it is keyed by path. */
export interface FilterGroup {
  id: string;
  kind: 'static' | 'dynamic';
  filter: string | null;
}

export interface FilterGroupRow extends FilterGroup {
  path: string;
}

export interface CompileContext {
  /**
   * Groups keyed by path. It must hold every group at or below each path the
   * filter references (see `collectGroups`, and `groupPathCondition` in the groups domain): static
   * membership of descendants is matched in SQL, but dynamic groups below a
   * referenced path contribute their own filter, and a path with nothing at or
   * below it is reported as unknown.
   */
  groups: ReadonlyMap<string, FilterGroup>;
  /** The instant relative times such as `-24h` are measured from. */
  now: Date;
}
