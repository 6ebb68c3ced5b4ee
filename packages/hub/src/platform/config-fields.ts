import { ValidationError } from './errors.js';

// Reading a JSON settings object a user sent (a notification channel's, a SIEM sink's): each
// field checked on its own, a refusal naming its JSON path.

export type ConfigFields = Record<string, unknown>;

export function refuseField(path: string, message: string): never {
  throw new ValidationError(message, { path });
}

/** A non-empty string of at most `max` characters, or `def` when the field is absent. */
export function configString(cfg: ConfigFields, key: string, o: { def?: string; max?: number } = {}): string {
  const max = o.max ?? 2048;
  const v = cfg[key] ?? o.def;
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    refuseField(`/config/${key}`, `config.${key} must be a non-empty string of at most ${max} characters`);
  return v;
}

/** A whole number from `min` to `max`, or `def` when the field is absent. */
export function configInt(cfg: ConfigFields, key: string, def: number, min: number, max: number): number {
  const v = cfg[key] ?? def;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    refuseField(`/config/${key}`, `config.${key} must be a whole number from ${min} to ${max}`);
  return v as number;
}

/** Refuses any field not in `keys`, saying which ones this `kind` knows. */
export function onlyFields(cfg: ConfigFields, keys: readonly string[], kind: string): void {
  for (const k of Object.keys(cfg))
    if (!keys.includes(k))
      refuseField(`/config/${k}`, `config.${k} is not a setting of this ${kind} (known: ${keys.join(', ')})`);
}
