import { createHash } from 'node:crypto';
import type { SettingValue, TemplatePolicy } from '@outpost/protocol';
import { isEncrypted, type EncryptedValue } from './config-secrets.js';
import type { SpecFile } from './template-spec.js';

/** Source id of a device's own overrides; they beat every template. */
export const DEVICE_SOURCE = '@device';

export interface SourceTemplate {
  id: string;
  name: string;
  version: number;
  priority: number;
  policy: TemplatePolicy;
  settings: Record<string, SettingValue | EncryptedValue>;
  files: SpecFile[];
}

export interface OverrideValue {
  key: string;
  value: SettingValue | EncryptedValue;
}

export interface EffectiveEntry {
  source: string;
  value: SettingValue | EncryptedValue;
  enforce: boolean;
  /** Templates that set the key too and lost, highest first. */
  overridden: string[];
}

export interface EffectiveFile extends SpecFile {
  source: string;
  enforce: boolean;
}

/** Highest priority first; equal priorities (refused on save, possible after group changes) by name. */
export const byPrecedence = (a: SourceTemplate, b: SourceTemplate) =>
  b.priority - a.priority || a.name.localeCompare(b.name);

export const PRECEDENCE =
  'device override > higher-priority template > lower-priority template; equal priorities by template name';

/** Merges a device's templates and overrides into one value per key, keeping who won and who lost. */
export function mergeSources(templates: SourceTemplate[], overrides: OverrideValue[]) {
  const entries = new Map<string, EffectiveEntry>();
  const files = new Map<string, EffectiveFile>();
  // Overrides are an operator's explicit word for this device: they are enforced.
  for (const o of overrides)
    entries.set(o.key, { source: DEVICE_SOURCE, value: o.value, enforce: true, overridden: [] });
  for (const t of [...templates].sort(byPrecedence)) {
    for (const [key, value] of Object.entries(t.settings)) {
      const e = entries.get(key);
      if (e) e.overridden.push(t.id);
      else entries.set(key, { source: t.id, value, enforce: t.policy === 'enforce', overridden: [] });
    }
    for (const f of t.files)
      if (!files.has(f.path)) files.set(f.path, { ...f, source: t.id, enforce: t.policy === 'enforce' });
  }
  return { entries, files };
}

/** The desired state kept in the database: secrets only as digests, every key with its source. */
export interface StoredDesired {
  e: Record<string, { s: string; v?: SettingValue; d?: string; f: 0 | 1 }>;
  files: Record<string, { s: string; sha256: string; mode: number; f: 0 | 1 }>;
}

export function storedDesired(
  merged: ReturnType<typeof mergeSources>,
  secretDigest: (key: string, v: EncryptedValue, source: string) => string,
): StoredDesired {
  const e: StoredDesired['e'] = {};
  for (const [key, x] of [...merged.entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    e[key] = isEncrypted(x.value)
      ? { s: x.source, d: secretDigest(key, x.value, x.source), f: x.enforce ? 1 : 0 }
      : { s: x.source, v: x.value, f: x.enforce ? 1 : 0 };
  }
  const files: StoredDesired['files'] = {};
  for (const [path, f] of [...merged.files].sort(([a], [b]) => (a < b ? -1 : 1)))
    files[path] = { s: f.source, sha256: f.sha256, mode: f.mode, f: f.enforce ? 1 : 0 };
  return { e, files };
}

export function desiredHash(d: StoredDesired, maintenanceUntil: string | null): string {
  // storedDesired builds keys in a fixed order, so plain JSON is already canonical here.
  return createHash('sha256')
    .update(JSON.stringify({ d, m: maintenanceUntil }))
    .digest('hex');
}

export const isEmptyDesired = (d: StoredDesired) => Object.keys(d.e).length === 0 && Object.keys(d.files).length === 0;
