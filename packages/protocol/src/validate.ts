import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './shared/json-depth.js';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

/** Outcome of checking untrusted input against a schema. */
export type Checked<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      code: 'malformed_json' | 'too_deep' | 'validation_failed' | 'schema_version_unsupported';
      message: string;
      path?: string;
    };

/** A compiled validator for one schema: parse bytes or check a value, never throws. */
export interface Validator<S extends TSchema> {
  check(value: unknown): Checked<Static<S>>;
  parse(bytes: Uint8Array | string): Checked<Static<S>>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Compiles `schema` once; reuse the result on hot paths. */
export function compileValidator<S extends TSchema>(schema: S): Validator<S> {
  const compiled: TypeCheck<S> = TypeCompiler.Compile(schema);
  const check = (value: unknown): Checked<Static<S>> => {
    if (compiled.Check(value)) return { ok: true, value: value as Static<S> };
    if (value && typeof value === 'object' && 'v' in value && (value as { v: unknown }).v !== 1) {
      return {
        ok: false,
        code: 'schema_version_unsupported',
        message: `unsupported schema version ${String((value as { v: unknown }).v)}`,
      };
    }
    const first = compiled.Errors(value).First();
    return {
      ok: false,
      code: 'validation_failed',
      message: first ? `${first.path || '/'}: ${first.message}` : 'invalid value',
      path: first?.path || '/',
    };
  };
  return {
    check,
    parse(bytes) {
      let value: unknown;
      try {
        const text = typeof bytes === 'string' ? bytes : decoder.decode(bytes);
        if (jsonNestsDeeperThan(text)) {
          return { ok: false, code: 'too_deep', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
        }
        value = JSON.parse(text);
      } catch {
        return { ok: false, code: 'malformed_json', message: 'payload is not valid UTF-8 JSON' };
      }
      return check(value);
    },
  };
}
