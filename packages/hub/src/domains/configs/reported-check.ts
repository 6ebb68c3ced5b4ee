import type { SettingViolation } from '@outpost/protocol';
import { MAX_VIOLATIONS, type ModelSchema } from './model-schema.js';

/**
 * What was wrong with a stored report's values by its model's schema. It is kept inside the
 * stored report (`reported_json`), always as its first property, so a new report replaces it
 * and `hasInvalid` can tell from the text alone whether a stored report carries one.
 */
export interface StoredInvalid {
  model: string;
  /** Violations in all; `items` keeps at most MAX_VIOLATIONS, those of managed keys first. */
  total: number;
  items: SettingViolation[];
}

const INVALID_FIRST = '{"invalid":';

/** Serializes a stored report with its check result first (see StoredInvalid). */
export function storedReportJson<T extends object>(report: T, invalid: StoredInvalid | null): string {
  const { invalid: _old, ...rest } = report as T & { invalid?: unknown };
  return JSON.stringify(invalid ? { invalid, ...rest } : rest);
}

/** Whether a stored report carries violations, without parsing it. */
export const hasInvalid = (json: string | null | undefined) => !!json?.startsWith(INVALID_FIRST);

/** A value the hub cannot see: a secret reported (or stored) as its digest. */
export const isDigest = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a device's reported settings against its model's schema and returns every violation
 * (capped), or null when there is none.
 *
 * What is checked, and why:
 * - `required` is ignored (the schema is compiled without it): a report says what values the
 *   device holds, and a missing setting is no value to mark invalid; a report that had to be
 *   truncated holds only the managed keys anyway.
 * - A key the schema does not describe is accepted unless the schema closes that branch
 *   (`additionalProperties: false`, or `unevaluatedProperties: false`): devices hold vendor
 *   settings nobody wrote a schema for, and an open schema says nothing about them. A closed
 *   branch is the schema author saying "this model has no other settings here", so a device
 *   reporting one is flagged ("is not a setting this model knows"). Templates are held to the
 *   same rule when they are saved.
 * - Secrets that arrive as digests cannot be seen and are not checked; their values were
 *   checked when a template or override set them. Secret-looking keys that arrive in clear are
 *   checked before they are replaced by digests; messages never carry values.
 * - `carry`: violations found earlier for keys this check cannot see now (a truncated report
 *   leaves unmanaged keys out; a stored report holds clear secret-looking values as digests)
 *   are kept, for the same model only, until the device reports those keys again.
 */
export function checkReported(
  schema: ModelSchema,
  model: string,
  settings: Record<string, unknown>,
  opts: { managed: (key: string) => boolean; previous?: StoredInvalid | null; carry?: (key: string) => boolean },
): StoredInvalid | null {
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) if (!isDigest(v)) plain[k] = v;
  const found = schema.violations(plain, { limit: MAX_VIOLATIONS, first: opts.managed });
  let items = found.items;
  let total = found.total;
  const { previous, carry } = opts;
  if (carry && previous && previous.model === model) {
    const now = new Set(items.map((v) => v.key));
    const kept = previous.items.filter((v) => v.key !== '' && !now.has(v.key) && carry(v.key));
    items = [...items, ...kept].slice(0, MAX_VIOLATIONS);
    total += kept.length;
  }
  return total === 0 ? null : { model, total, items };
}

/** The distinct keys of a check result; events are raised when these change. */
export const invalidKeys = (inv: StoredInvalid | null | undefined): string[] =>
  [...new Set((inv?.items ?? []).map((v) => v.key))].sort();

/** Per key, the reasons joined: what the device's config view shows. */
export function invalidByKey(inv: StoredInvalid | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of inv?.items ?? []) out.set(v.key, out.has(v.key) ? `${out.get(v.key)}; ${v.message}` : v.message);
  return out;
}
