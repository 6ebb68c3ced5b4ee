// The one canonical JSON of Outpost: the bytes that audit hashes, guard documents and grants,
// update manifests and trust roots are hashed or signed over. It follows the JSON
// Canonicalization Scheme (RFC 8785): object members sorted by their names' UTF-16 code units
// (§3.2.3, JavaScript's default sort), no whitespace, strings and numbers serialised as
// ECMAScript's JSON.stringify does (§3.2.2). Values JSON has no form for are refused rather
// than silently changed: a non-finite number is an error (§3.2.2.3). As JSON.stringify does,
// a member whose value is undefined is left out and a value with toJSON (a Date) is replaced by
// what toJSON returns.

/** Deeper values are refused, so a hostile document cannot exhaust the stack. */
export const CANONICAL_JSON_MAX_DEPTH = 64;

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

/** UTF-8 bytes of the canonical JSON. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function encode(value: unknown, depth: number): string {
  if (depth > CANONICAL_JSON_MAX_DEPTH) throw new RangeError('canonicalJson: nesting too deep');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return encode(withJson.toJSON(), depth + 1);
    if (Array.isArray(value)) return `[${value.map((v) => (isAbsent(v) ? 'null' : encode(v, depth + 1))).join(',')}]`;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => !isAbsent(obj[k]))
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(obj[k], depth + 1)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
}

// What JSON.stringify leaves out of objects (and writes as null in arrays).
function isAbsent(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}
