import { Type } from '@sinclair/typebox';

/** `:id` of a record: device, view, token, command… */
export const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** A device filter expression (see the filter language). */
export const FilterText = Type.String({ maxLength: 4096 });

/** The fields the hub's device list can order by. */
export const DEVICE_SORT_FIELDS = ['name', 'id', 'model', 'firmware', 'presence', 'last_seen', 'enrolled_at'] as const;

/** A union of string literals, for an enumerated field. */
export function literals<const T extends string>(values: readonly T[]) {
  return Type.Union(values.map((v) => Type.Literal(v)));
}
