import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { SettingValue, SettingViolation } from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import { toTree } from './settings-values.js';

// One Ajv for operator-supplied model schemas. Formats are the few settings use; others are
// ignored. It collects every error: a device's report is checked whole, and saving a template
// or override answers with the first one. One compiled function per schema serves both.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, logger: false });
ajv.addFormat('ipv4', (s: string) => isIP(s) === 4);
ajv.addFormat('ipv6', (s: string) => isIP(s) === 6);
ajv.addFormat(
  'hostname',
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
);
ajv.addFormat('cidr', (s: string) => {
  const [ip, bits, extra] = s.split('/');
  const v = isIP(ip ?? '');
  return extra === undefined && v > 0 && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= (v === 4 ? 32 : 128);
});

/** Compiles and forgets: Ajv would otherwise keep every schema object it ever compiled. */
function compile(schema: Record<string, unknown>): ValidateFunction {
  try {
    return ajv.compile(schema);
  } finally {
    ajv.removeSchema(schema);
  }
}

/** At most this many violations are kept per report; the total is counted. */
export const MAX_VIOLATIONS = 50;
const MAX_MESSAGE = 200;

const MAX_SCHEMA_BYTES = 128 * 1024;

// Keywords whose value is one subschema, a list of them, or a map of names to them (JSON Schema
// 2020-12 §10 applicators, with draft-07's names). Only there is `required` a keyword: in a
// `properties` map it is a setting's name, and inside `enum`, `const`, `default` or `examples`
// it is data — both kept as written.
const ONE_SCHEMA = [
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const SCHEMA_LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SCHEMA_MAP = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies'];

/** Templates set a subset of the settings, so `required` does not apply to them; nor to reports (reported-check.ts). */
export function withoutRequired(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'required') continue;
    if (SCHEMA_MAP.includes(k) && v && typeof v === 'object' && !Array.isArray(v)) {
      // `dependencies` may map a name to a list of names (draft-07): that list is data.
      out[k] = Object.fromEntries(
        Object.entries(v).map(([name, sub]) => [name, Array.isArray(sub) ? sub : withoutRequired(sub)]),
      );
    } else if (SCHEMA_LIST.includes(k) && Array.isArray(v)) out[k] = v.map(withoutRequired);
    else if (ONE_SCHEMA.includes(k)) out[k] = withoutRequired(v);
    else out[k] = v;
  }
  return out;
}

export interface ModelSchema {
  /** Checks a subset of settings; throws with `/settings/<key>[/<index>]` of the first bad value. */
  check(settings: Record<string, SettingValue>, base?: string): void;
  /**
   * Every violation in a whole settings document (a device's report), at most `limit` of them
   * (those of `first` keys kept before the others), and how many there are in all.
   */
  violations(
    settings: Record<string, unknown>,
    opts?: { limit?: number; first?: (key: string) => boolean },
  ): { items: SettingViolation[]; total: number };
}

/** Compiles a model's settings schema; an invalid schema is refused with the reason. */
export function compileModelSchema(schema: unknown): ModelSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new ValidationError('a settings schema is a JSON Schema object', { path: '/schema' });
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES)
    throw new ValidationError(`a settings schema is at most ${MAX_SCHEMA_BYTES} bytes`, { path: '/schema' });
  let validate: ValidateFunction;
  // Compiling is the costly part (a large schema takes seconds): callers keep the result (model-schemas.ts).
  const partial = withoutRequired(schema) as Record<string, unknown>;
  delete partial.$id;
  try {
    validate = compile(partial);
  } catch (err) {
    throw new ValidationError(`the settings schema is not valid JSON Schema: ${(err as Error).message.slice(0, 300)}`, {
      path: '/schema',
    });
  }
  return {
    check(settings, base = '/settings') {
      if (validate(toTree(settings))) return;
      const e = validate.errors?.[0];
      if (!e) return;
      const { path, key } = pathOf(e, settings, base);
      throw new ValidationError(`${key ? `setting "${key}"` : 'settings'} ${describe(e)}`, {
        path,
        keyword: e.keyword,
      });
    },
    violations(settings, opts = {}) {
      if (validate(toTree(settings))) return { items: [], total: 0 };
      return collectViolations(validate.errors ?? [], settings, opts.limit ?? MAX_VIOLATIONS, opts.first);
    },
  };
}

/**
 * Turns Ajv's errors for a whole settings document into one violation per key and message.
 * Noise is dropped: the branch errors of a failed anyOf/oneOf (the combinator's own error says
 * it) and `if` (its then/else errors say it). An error on a branch no reported key names
 * exactly (a strict schema's unknown `web`, a list where a value was expected) is given to
 * every reported key under that branch. Messages name the rule, never the value; a string
 * value that still turns up in one (a schema could quote it) is cut out, since the key may
 * hold a secret.
 */
export function collectViolations(
  errors: ErrorObject[],
  settings: Record<string, unknown>,
  limit = MAX_VIOLATIONS,
  first?: (key: string) => boolean,
): { items: SettingViolation[]; total: number } {
  const combinators = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => `${e.schemaPath}/`);
  const seen = new Set<string>();
  const all: SettingViolation[] = [];
  let keys: string[] | null = null;
  for (const e of errors) {
    if (e.keyword === 'if' || combinators.some((c) => e.schemaPath.startsWith(c))) continue;
    const segs = segmentsOf(e);
    let found: Array<{ key: string; rest: string[] }> | null = null;
    for (let n = segs.length; n > 0 && !found; n--) {
      const key = segs.slice(0, n).join('.');
      if (Object.hasOwn(settings, key)) found = [{ key, rest: segs.slice(n) }];
    }
    if (!found) {
      const prefix = segs.join('.');
      keys ??= Object.keys(settings);
      const under = prefix ? keys.filter((k) => k.startsWith(`${prefix}.`)) : [];
      found = under.length ? under.map((key) => ({ key, rest: [] })) : [{ key: prefix, rest: [] }];
    }
    for (const { key, rest } of found) {
      const rule = scrub(describe(e), settings[key]);
      // One violation per key and rule: a list of 200 bad items names the first of them.
      const id = `${key}\u0000${rule}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const message = `${rest.length ? `item ${rest.join('/')} ` : ''}${rule}`.slice(0, MAX_MESSAGE);
      all.push({ key, path: [key ? `/settings/${key}` : '/settings', ...rest].join('/'), message });
    }
  }
  const ordered = first ? [...all.filter((v) => first(v.key)), ...all.filter((v) => !first(v.key))] : all;
  return { items: ordered.slice(0, limit), total: all.length };
}

/** The error's place in the settings tree, down to the unknown property it names, if any. */
function segmentsOf(e: ErrorObject): string[] {
  const segs = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as { additionalProperty?: string; unevaluatedProperty?: string; propertyName?: string };
  const extra =
    p.additionalProperty ??
    p.unevaluatedProperty ??
    (e.keyword === 'propertyNames' ? p.propertyName : undefined) ??
    e.propertyName;
  if (extra !== undefined) segs.push(String(extra));
  return segs;
}

function scrub(message: string, value: unknown): string {
  const strings = (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string' && v.length >= 4,
  );
  for (const v of strings) if (message.includes(v)) message = message.split(v).join('…');
  return message;
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties')
    return 'is not a setting this model knows';
  // Ajv's messages name the rule, never the value, so secrets stay out of errors.
  return e.message ?? 'is not valid';
}

/** Maps a tree path (`/firewall/wan/ports/0`) back to the flat key and index the operator sent. */
function pathOf(e: ErrorObject, settings: Record<string, unknown>, base: string): { path: string; key: string | null } {
  const segs = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties')
    segs.push(String((e.params as { additionalProperty: string }).additionalProperty));
  for (let n = segs.length; n > 0; n--) {
    const key = segs.slice(0, n).join('.');
    if (key in settings) return { path: [`${base}/${key}`, ...segs.slice(n)].join('/'), key };
  }
  // An unknown branch: name the first key the operator sent under it.
  const prefix = segs.join('.');
  const key = Object.keys(settings).find((k) => k === prefix || k.startsWith(`${prefix}.`)) ?? (prefix || null);
  if (key) return { path: `${base}/${key}`, key };
  return { path: base, key: null };
}
