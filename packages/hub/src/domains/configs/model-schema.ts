import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { SettingValue } from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import { toTree } from './settings-values.js';

// One Ajv for operator-supplied model schemas. Formats are the few settings use; others are ignored.
const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: true, logger: false });
ajv.addFormat('ipv4', (s: string) => isIP(s) === 4);
ajv.addFormat('ipv6', (s: string) => isIP(s) === 6);
ajv.addFormat('hostname', /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/);
ajv.addFormat('cidr', (s: string) => {
  const [ip, bits, extra] = s.split('/');
  const v = isIP(ip ?? '');
  return extra === undefined && v > 0 && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= (v === 4 ? 32 : 128);
});

const MAX_SCHEMA_BYTES = 128 * 1024;

/** Templates set a subset of the settings, so `required` does not apply to them. */
function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (schema && typeof schema === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema)) if (k !== 'required') out[k] = withoutRequired(v);
    return out;
  }
  return schema;
}

export interface ModelSchema {
  /** Checks a subset of settings; throws with `/settings/<key>[/<index>]` of the first bad value. */
  check(settings: Record<string, SettingValue>, base?: string): void;
}

/** Compiles a model's settings schema; an invalid schema is refused with the reason. */
export function compileModelSchema(schema: unknown): ModelSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new ValidationError('a settings schema is a JSON Schema object', { path: '/schema' });
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) throw new ValidationError(`a settings schema is at most ${MAX_SCHEMA_BYTES} bytes`, { path: '/schema' });
  let validate: ValidateFunction;
  try {
    const partial = withoutRequired(schema) as Record<string, unknown>;
    delete partial.$id;
    validate = ajv.compile(partial);
  } catch (err) {
    throw new ValidationError(`the settings schema is not valid JSON Schema: ${(err as Error).message.slice(0, 300)}`, { path: '/schema' });
  }
  return {
    check(settings, base = '/settings') {
      if (validate(toTree(settings))) return;
      const e = validate.errors?.[0];
      if (!e) return;
      const { path, key } = pathOf(e, settings, base);
      throw new ValidationError(`${key ? `setting "${key}"` : 'settings'} ${describe(e)}`, { path, keyword: e.keyword });
    },
  };
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'is not a setting this model knows';
  // Ajv's messages name the rule, never the value, so secrets stay out of errors.
  return e.message ?? 'is not valid';
}

/** Maps a tree path (`/firewall/wan/ports/0`) back to the flat key and index the operator sent. */
function pathOf(e: ErrorObject, settings: Record<string, unknown>, base: string): { path: string; key: string | null } {
  const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') segs.push(String((e.params as { additionalProperty: string }).additionalProperty));
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
