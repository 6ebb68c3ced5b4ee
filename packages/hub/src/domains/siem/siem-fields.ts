// What leaves the hub in a SIEM export is chosen field by field: a detail whose name is not on
// this list is dropped (and counted), whatever its value. A new detail field stays inside the hub
// until someone decides it is safe to send out and adds it here, so a secret added to a record
// later (a token, a password, a private key, a TOTP URI) cannot leak by default.

/** Detail and event-data fields that may be exported. Each name here was checked to never hold a secret. */
export const EXPORTED_DETAIL_FIELDS: ReadonlySet<string> = new Set([
  // audit details
  'action',
  'artifact',
  'caFingerprint',
  'certSerial',
  'changed',
  'channel',
  'channels',
  'code',
  'count',
  'created',
  'desiredVersion',
  'device',
  'deviceId',
  'devices',
  'disabled',
  'earlierFailures',
  'expires',
  'filter',
  'fingerprint',
  'from',
  'group',
  'kind',
  'label',
  'lastFailure',
  'left_out',
  'matched',
  'maxUses',
  'method',
  'models',
  'name',
  'notAfter',
  'path',
  'reason',
  'refused',
  'requested',
  'role',
  'route',
  'rule',
  'scope',
  'severity',
  'state',
  'status',
  'target',
  'template',
  'threshold',
  'to',
  'total',
  'type',
  'username',
  'version',
  'windowS',
  // device and guard event data
  'blocked',
  'class',
  'closeReason',
  'documentVersion',
  'dropped',
  'durationMs',
  'end',
  'eventType',
  'exceptions',
  'expiresAt',
  'fc',
  'grantId',
  'grantIds',
  'guard',
  'guards',
  'master',
  'mode',
  'offered',
  'origin',
  'pattern',
  'policyVersion',
  'port',
  'protocol',
  'ranges',
  'requests',
  'responses',
  'source',
  'start',
  'steps',
  'suppressed',
  'table',
  'trusted',
  'unit',
  'violations',
  'windowEnd',
  'windowStart',
]);

const MAX_TEXT = 512;
const MAX_ITEMS = 32;
const MAX_DEPTH = 3;

function exportValue(value: unknown, depth: number): { value?: unknown; omitted: number } {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { value, omitted: 0 };
  if (typeof value === 'string')
    return { value: value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value, omitted: 0 };
  if (depth >= MAX_DEPTH) return { omitted: 1 };
  if (Array.isArray(value)) {
    let omitted = 0;
    const items: unknown[] = [];
    for (const item of value.slice(0, MAX_ITEMS)) {
      const r = exportValue(item, depth + 1);
      omitted += r.omitted;
      if ('value' in r) items.push(r.value);
    }
    return { value: items, omitted };
  }
  if (typeof value === 'object') {
    const r = exportFields(value as Record<string, unknown>, depth + 1);
    return { value: r.fields, omitted: r.omitted };
  }
  return { omitted: 1 };
}

function exportFields(
  details: Record<string, unknown>,
  depth: number,
): { fields: Record<string, unknown>; omitted: number } {
  const fields: Record<string, unknown> = {};
  let omitted = 0;
  for (const [key, value] of Object.entries(details)) {
    if (!EXPORTED_DETAIL_FIELDS.has(key)) {
      omitted++;
      continue;
    }
    const r = exportValue(value, depth);
    omitted += r.omitted;
    if ('value' in r) fields[key] = r.value;
  }
  return { fields, omitted };
}

/**
 * The exportable part of a record's details: allowed fields only (nested objects too), strings and
 * lists bounded. `omitted` counts what was left out, so a reader knows the record has more.
 */
export function exportableDetails(details: Record<string, unknown>): {
  fields: Record<string, unknown>;
  omitted: number;
} {
  return exportFields(details, 0);
}
