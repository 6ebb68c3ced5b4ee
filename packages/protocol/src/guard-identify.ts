import { Type, type Static } from '@sinclair/typebox';

// Active identity queries (docs/FIELD-DEVICES.md): off unless an operator turns them on in the
// signed policy, because some field devices misbehave on requests they do not expect. The guard
// then asks each field device it protects for its identity itself — Modbus Read Device
// Identification (FC 43/14), DNP3 READ of group 0 device attributes — when the line is idle.

/**
 * `unitIds`: the Modbus unit ids to ask (a serial line skips broadcast 0 and 248–255); `outstations`: the DNP3 outstation addresses
 * (0–65519); when a list is absent the guard asks the units or outstations it has seen masters
 * address. `masterAddress`: the DNP3 link address the guard's own requests come from (default
 * the address masters use, else 1). `intervalS`: how often each device is asked again;
 * `timeoutMs`: how long the guard waits for an answer.
 */
export const GuardIdentify = Type.Object(
  {
    enabled: Type.Boolean(),
    unitIds: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { maxItems: 32 })),
    outstations: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 65519 }), { maxItems: 32 })),
    masterAddress: Type.Optional(Type.Integer({ minimum: 0, maximum: 65519 })),
    intervalS: Type.Optional(Type.Integer({ minimum: 60, maximum: 7 * 86_400 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 30_000 })),
  },
  { additionalProperties: false },
);
export type GuardIdentify = Static<typeof GuardIdentify>;

export const DEFAULT_IDENTIFY_INTERVAL_S = 3600;
export const DEFAULT_IDENTIFY_TIMEOUT_MS = 2000;

function duplicate(list: readonly number[] | undefined, at: string): { path: string; message: string } | undefined {
  const i = list?.findIndex((v, k) => list.indexOf(v) !== k) ?? -1;
  return i >= 0 && list ? { path: `${at}/${i}`, message: `${list[i]} is listed twice` } : undefined;
}

/** What the schema cannot say about `identify`, with the JSON path of the value at fault. */
export function identifyProblem(i: GuardIdentify | undefined): { path: string; message: string } | undefined {
  if (!i) return undefined;
  const bad = duplicate(i.unitIds, '/identify/unitIds') ?? duplicate(i.outstations, '/identify/outstations');
  if (bad) return bad;
  if (i.masterAddress !== undefined && i.outstations?.includes(i.masterAddress))
    return {
      path: '/identify/masterAddress',
      message: `masterAddress ${i.masterAddress} is also an outstation address`,
    };
  return undefined;
}
