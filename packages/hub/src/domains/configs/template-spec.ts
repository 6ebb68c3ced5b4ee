import type {
  TemplateChange,
  TemplateInput,
  TemplatePolicy,
  TemplateTarget,
  SettingValue,
  ConfigTemplate,
  MaskedSecret,
} from '@outpost/protocol';
import { ValidationError } from '../../platform/errors.js';
import { checkSetting, checkTreeShape, sameValue } from './settings-values.js';
import { isEncrypted, type EncryptedValue, type SecretBox } from './config-secrets.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_TEMPLATE_KEYS = 1000;
const MAX_TEMPLATE_FILES = 16;

export interface SpecFile {
  path: string;
  sha256: string;
  mode: number;
  size: number;
}

/** A template's versioned content as stored: secrets sealed, files by hash. */
export interface StoredSpec {
  description: string;
  priority: number;
  policy: TemplatePolicy;
  target: TemplateTarget;
  model: string | null;
  settings: Record<string, SettingValue | EncryptedValue>;
  files: SpecFile[];
  /** The groups of the group-scoped user who saved it: its target is narrowed to them. */
  within?: string[];
}

export function checkName(name: string): void {
  if (!NAME.test(name))
    throw new ValidationError('template name must be 1-64 of a-z 0-9 . _ - starting with a letter or digit', {
      path: '/name',
    });
}

/**
 * Turns operator input into a stored spec. `{ $secret: "…" }` is sealed at once; `{ $secret: true }`
 * keeps the secret the previous version holds for that key.
 */
export function specFromInput(
  input: TemplateInput,
  previous: StoredSpec | null,
  owner: string,
  box: SecretBox,
  files: SpecFile[],
): StoredSpec {
  checkName(input.name);
  if (!Number.isInteger(input.priority) || input.priority < 0 || input.priority > 10_000)
    throw new ValidationError('priority must be an integer from 0 to 10000', { path: '/priority' });
  if (input.policy !== 'report' && input.policy !== 'enforce')
    throw new ValidationError('policy must be report or enforce', { path: '/policy' });
  const entries = Object.entries(input.settings ?? {});
  if (entries.length > MAX_TEMPLATE_KEYS)
    throw new ValidationError(`a template sets at most ${MAX_TEMPLATE_KEYS} keys`, { path: '/settings' });
  if (entries.length === 0 && files.length === 0)
    throw new ValidationError('a template sets at least one setting or file', { path: '/settings' });
  if (files.length > MAX_TEMPLATE_FILES)
    throw new ValidationError(`a template carries at most ${MAX_TEMPLATE_FILES} files`, { path: '/files' });
  const settings: StoredSpec['settings'] = {};
  for (const [key, raw] of entries) {
    if (isSecretInput(raw)) {
      checkSetting(key, null, '/settings');
      if (raw.$secret === true) {
        const prev = previous?.settings[key];
        if (!isEncrypted(prev))
          throw new ValidationError(`setting "${key}" keeps a secret that was never set; send its value`, {
            path: `/settings/${key}`,
          });
        settings[key] = prev;
        continue;
      }
      checkSetting(key, raw.$secret, '/settings');
      settings[key] = box.seal(owner, key, raw.$secret);
      continue;
    }
    checkSetting(key, raw, '/settings');
    settings[key] = raw;
  }
  checkTreeShape(Object.keys(settings), '/settings');
  return {
    description: input.description ?? '',
    priority: input.priority,
    policy: input.policy,
    target: input.target,
    model: input.model ?? null,
    settings,
    files: [...files].sort((a, b) => a.path.localeCompare(b.path)),
  };
}

function isSecretInput(v: unknown): v is { $secret: string | true } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === '$secret';
}

/** Plain values of a spec, secrets opened; only for validation and delivery, never for output. */
export function plainSettings(spec: StoredSpec, owner: string, box: SecretBox): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [k, v] of Object.entries(spec.settings)) out[k] = isEncrypted(v) ? box.open(owner, k, v) : v;
  return out;
}

export function maskSettings(settings: StoredSpec['settings']): Record<string, SettingValue | MaskedSecret> {
  const out: Record<string, SettingValue | MaskedSecret> = {};
  for (const [k, v] of Object.entries(settings)) out[k] = isEncrypted(v) ? { $secret: true } : v;
  return out;
}

export function templateView(
  row: { id: string; name: string; version: number; created_at: string; updated_by: string; updated_at: string },
  spec: StoredSpec,
): ConfigTemplate {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    description: spec.description,
    priority: spec.priority,
    policy: spec.policy,
    target: spec.target,
    model: spec.model,
    settings: maskSettings(spec.settings),
    files: spec.files,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    createdAt: row.created_at,
  };
}

/** What changed from `a` to `b`. Secrets are compared opened but shown only as changed. */
export function diffSpecs(a: StoredSpec | null, b: StoredSpec, owner: string, box: SecretBox): TemplateChange[] {
  const out: TemplateChange[] = [];
  for (const field of ['description', 'priority', 'policy', 'target', 'model'] as const) {
    if (!a) continue;
    if (!sameValue(a[field], b[field])) out.push({ field, change: 'changed', from: a[field], to: b[field] });
  }
  const before = a?.settings ?? {};
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(b.settings)])].sort()) {
    const x = before[key];
    const y = b.settings[key];
    const secret = isEncrypted(x) || isEncrypted(y);
    const field = `settings.${key}`;
    if (x === undefined) out.push(secret ? { field, change: 'added', secret } : { field, change: 'added', to: y });
    else if (y === undefined)
      out.push(secret ? { field, change: 'removed', secret } : { field, change: 'removed', from: x });
    else if (secret) {
      const same = isEncrypted(x) && isEncrypted(y) && sameValue(box.open(owner, key, x), box.open(owner, key, y));
      if (!same) out.push({ field, change: 'changed', secret });
    } else if (!sameValue(x, y)) out.push({ field, change: 'changed', from: x, to: y });
  }
  const fa = new Map((a?.files ?? []).map((f) => [f.path, f]));
  const fb = new Map(b.files.map((f) => [f.path, f]));
  for (const path of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    const x = fa.get(path);
    const y = fb.get(path);
    const field = `files.${path}`;
    if (!x) out.push({ field, change: 'added', to: { sha256: y!.sha256, mode: y!.mode } });
    else if (!y) out.push({ field, change: 'removed', from: { sha256: x.sha256, mode: x.mode } });
    else if (x.sha256 !== y.sha256 || x.mode !== y.mode)
      out.push({
        field,
        change: 'changed',
        from: { sha256: x.sha256, mode: x.mode },
        to: { sha256: y.sha256, mode: y.mode },
      });
  }
  return out;
}
