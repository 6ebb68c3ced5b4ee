import { createHash } from 'node:crypto';
import {
  MAX_FILE_BYTES,
  type ConfigTemplate,
  type TemplateInput,
  type TemplateVersion,
  type TemplateChange,
  type TemplateWithDevices,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, HubError, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { claimReach, reachInside, type Reach, type ScopeGroups } from '../../platform/scope-reach.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { SecretBox } from './config-secrets.js';
import type { ConfigsStore, TemplateRow } from './configs.store.js';
import type { DesiredStore } from './desired.store.js';
import { targetFilter, type DesiredService } from './desired.service.js';
import { compileModelSchema } from './model-schema.js';
import type { ModelSchemas } from './model-schemas.js';
import {
  diffSpecs,
  plainSettings,
  specFromInput,
  templateView,
  type SpecFile,
  type StoredSpec,
} from './template-spec.js';

const FILE_PATH = /^\/(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._@+\-/]{1,255}$/;

export interface TemplatesDeps {
  store: ConfigsStore;
  desiredStore: DesiredStore;
  desired: DesiredService;
  selector: DeviceSelector;
  box: SecretBox;
  audit: AuditLog;
  clock: Clock;
  /** Recompute, republish and re-evaluate these devices (late-bound to compliance). */
  changed(deviceIds: string[]): Promise<unknown>;
  /** Compiled model schemas, shared with the report path. */
  schemas: ModelSchemas;
  /** A model's schema was set or removed: its devices' reports are checked again (in the background). */
  schemaChanged(model: string): void;
}

/** What a template reaches: its target and the scope it was saved in. */
function reachOf(spec: StoredSpec): Reach {
  const t = spec.target;
  return { group: 'group' in t ? t.group : null, filter: 'filter' in t ? t.filter : null, within: spec.within };
}

/** A template as listed: its view and how many devices it reaches now. */
/** A template after a save: `changed` false when the input equalled the current version. */
export interface TemplateSaved {
  template: ConfigTemplate;
  changed: boolean;
}
/** The JSON Schema the settings of one device model are checked against. */
export interface ModelSchemaRecord {
  model: string;
  schema: unknown;
}

export interface TemplatesService {
  create(actor: Actor, scope: ScopeGroups, input: TemplateInput): Promise<ConfigTemplate>;
  update(actor: Actor, scope: ScopeGroups, name: string, input: TemplateInput): Promise<TemplateSaved>;
  /** Makes an older version current again, as a new version (history is never rewritten). */
  restore(actor: Actor, scope: ScopeGroups, name: string, version: number, comment?: string): Promise<TemplateSaved>;
  remove(actor: Actor, scope: ScopeGroups, name: string): Promise<void>;
  versions(scope: ScopeGroups, name: string): Promise<{ items: TemplateVersion[] }>;
  version(scope: ScopeGroups, name: string, n: number): Promise<ConfigTemplate & { comment: string }>;
  list(scope: ScopeGroups): Promise<{ items: TemplateWithDevices[] }>;
  get(scope: ScopeGroups, name: string): Promise<TemplateWithDevices>;
  setModelSchema(actor: Actor, model: string, schema: unknown): Promise<ModelSchemaRecord>;
  models(): Promise<{ items: Array<{ model: string; updatedBy: string; updatedAt: string }> }>;
  modelSchema(model: string): Promise<ModelSchemaRecord>;
  removeModelSchema(actor: Actor, model: string): Promise<void>;
}

export function createTemplatesService(d: TemplatesDeps): TemplatesService {
  /** The template, when all it targets lies in the caller's scope (else the same 404 as no such template). */
  async function mustGet(name: string, scope: ScopeGroups): Promise<TemplateRow> {
    const t = await d.store.template(name);
    if (!t || !reachInside(scope, reachOf(t.spec))) throw new NotFound('template', name);
    return t;
  }

  /** `spec` as saved by the caller: a group target inside its scope, narrowed to its groups. */
  function claimed(spec: StoredSpec, scope: ScopeGroups): StoredSpec {
    const { within } = claimReach(scope, reachOf(spec), `the template's target`);
    const { within: _w, ...rest } = spec;
    return within ? { ...rest, within: [...within] } : rest;
  }

  async function checkTarget(spec: StoredSpec): Promise<string[]> {
    const path = 'group' in spec.target ? '/target/group' : '/target/filter';
    const text = 'group' in spec.target ? spec.target.group : spec.target.filter;
    if (typeof text !== 'string' || text.trim() === '')
      throw new ValidationError('a template targets a group or a filter', { path: '/target' });
    try {
      return await d.desiredStore.idsWhere(await d.selector.where(targetFilter(spec)));
    } catch (err) {
      if (err instanceof HubError)
        throw new ValidationError(`the target does not resolve: ${err.message}`, {
          path,
          reason: err.code,
          ...err.details,
        });
      throw err;
    }
  }

  /** Files arrive as content (stored by hash) or as the hash of content the hub already has. */
  async function resolveFiles(files: TemplateInput['files']): Promise<SpecFile[]> {
    const out: SpecFile[] = [];
    const seen = new Set<string>();
    for (const [i, f] of (files ?? []).entries()) {
      const base = `/files/${i}`;
      if (!FILE_PATH.test(f.path))
        throw new ValidationError('a file path is absolute, without "." or ".." segments, of A-Z a-z 0-9 . _ @ + - /', {
          path: `${base}/path`,
        });
      if (seen.has(f.path)) throw new ValidationError(`file "${f.path}" is listed twice`, { path: `${base}/path` });
      seen.add(f.path);
      const mode = f.mode ?? 0o644;
      if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
        throw new ValidationError('mode is an integer from 0 to 07777', { path: `${base}/mode` });
      if (f.content !== undefined) {
        const bytes = Buffer.from(f.content, 'base64');
        if (bytes.toString('base64').replace(/=+$/, '') !== f.content.replace(/=+$/, ''))
          throw new ValidationError('content must be base64', { path: `${base}/content` });
        if (bytes.length > MAX_FILE_BYTES)
          throw new ValidationError(`a file is at most ${MAX_FILE_BYTES} bytes`, { path: `${base}/content` });
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (f.sha256 && f.sha256 !== sha256)
          throw new ValidationError('sha256 does not match the content', { path: `${base}/sha256` });
        await d.store.putBlob(sha256, bytes, d.clock.now().toISOString());
        out.push({ path: f.path, sha256, mode, size: bytes.length });
      } else {
        const blob = f.sha256 ? (await d.store.blobs([f.sha256])).get(f.sha256) : undefined;
        if (!blob)
          throw new ValidationError('send the file content, or the sha256 of content the hub already holds', {
            path: `${base}/content`,
          });
        out.push({ path: f.path, sha256: f.sha256!, mode, size: blob.size });
      }
    }
    return out;
  }

  /** Values are checked against the schema of every model the template reaches (and the one it names). */
  async function checkSchemas(spec: StoredSpec, owner: string, targets: string[]) {
    const models = new Set([...(await d.desiredStore.models(targets)).values()].filter((m): m is string => !!m));
    if (spec.model) models.add(spec.model);
    if (models.size === 0) return;
    const plain = plainSettings(spec, owner, d.box);
    for (const model of [...models].sort()) {
      const schema = await d.schemas.get(model);
      if (!schema) continue;
      try {
        schema.check(plain);
      } catch (err) {
        if (err instanceof ValidationError)
          throw new ValidationError(`${err.message} (schema of model ${model})`, { ...err.details, model });
        throw err;
      }
    }
  }

  /** Two templates at one priority may not set the same key on the same device: precedence would be a guess. */
  async function checkConflicts(id: string, name: string, spec: StoredSpec, targets: string[]) {
    const mine = new Set(keysOf(spec));
    const targetSet = new Set(targets);
    for (const other of await d.store.templates()) {
      if (other.id === id || other.spec.priority !== spec.priority) continue;
      const keys = keysOf(other.spec).filter((k) => mine.has(k));
      if (keys.length === 0) continue;
      const shared = (await d.desired.targetsOf(other)).filter((x) => targetSet.has(x));
      if (shared.length === 0) continue;
      throw new Conflict(
        `template "${name}" conflicts with template "${other.name}": both set ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ' …' : ''} at priority ${spec.priority} on ${shared.length} device(s), e.g. ${shared[0]}; give one a different priority`,
        {
          templates: [name, other.name],
          keys: keys.slice(0, 20),
          priority: spec.priority,
          devices: shared.length,
          example: shared[0],
        },
      );
    }
  }

  async function save(
    actor: Actor,
    existing: TemplateRow | null,
    id: string,
    name: string,
    spec: StoredSpec,
    comment: string,
    restoredFrom?: number,
  ): Promise<TemplateSaved> {
    const owner = `template:${id}`;
    const targets = await checkTarget(spec);
    await checkSchemas(spec, owner, targets);
    await checkConflicts(id, name, spec, targets);
    const diff = diffSpecs(existing?.spec ?? null, spec, owner, d.box);
    if (existing && diff.length === 0) return { template: templateView(existing, existing.spec), changed: false };
    const now = d.clock.now().toISOString();
    const row: TemplateRow = {
      id,
      name,
      version: (existing?.version ?? 0) + 1,
      priority: spec.priority,
      policy: spec.policy,
      spec,
      created_at: existing?.created_at ?? now,
      updated_by: actor.id,
      updated_at: now,
    };
    await d.store.saveVersion(row, { author: actor.id, comment, diff }, !existing);
    const action = restoredFrom
      ? 'config.template.restore'
      : existing
        ? 'config.template.update'
        : 'config.template.create';
    await d.audit.record({
      actor,
      action,
      target: `template:${name}`,
      details: { version: row.version, ...(restoredFrom ? { restoredFrom } : {}), changes: summarize(diff), comment },
    });
    const before = existing ? await d.desired.targetsOf(existing) : [];
    await d.changed([...new Set([...before, ...targets])]);
    return { template: templateView(row, spec), changed: true };
  }

  async function create(actor: Actor, scope: ScopeGroups, input: TemplateInput) {
    if (await d.store.template(input.name))
      throw new Conflict(`template "${input.name}" already exists`, { path: '/name' });
    const id = newId('tpl');
    const given = specFromInput(input, null, `template:${id}`, d.box, await resolveFiles(input.files));
    const spec = claimed(given, scope);
    return (await save(actor, null, id, input.name, spec, input.comment ?? '')).template;
  }

  async function update(actor: Actor, scope: ScopeGroups, name: string, input: TemplateInput) {
    const t = await mustGet(name, scope);
    if (input.name !== name)
      throw new ValidationError('a template keeps its name; create a new one to rename', { path: '/name' });
    const given = specFromInput(input, t.spec, `template:${t.id}`, d.box, await resolveFiles(input.files));
    return save(actor, t, t.id, name, claimed(given, scope), input.comment ?? '');
  }

  async function restore(actor: Actor, scope: ScopeGroups, name: string, version: number, comment?: string) {
    const t = await mustGet(name, scope);
    const v = await d.store.version(t.id, version);
    if (!v) throw new NotFound('template version', `${name}@${version}`);
    return save(actor, t, t.id, name, claimed(v.spec, scope), comment ?? `restored version ${version}`, version);
  }

  async function remove(actor: Actor, scope: ScopeGroups, name: string) {
    const t = await mustGet(name, scope);
    const targets = await d.desired.targetsOf(t);
    await d.store.removeTemplate(t.id);
    await d.audit.record({
      actor,
      action: 'config.template.delete',
      target: `template:${name}`,
      details: { version: t.version, devices: targets.length },
    });
    await d.changed(targets);
  }

  async function versions(scope: ScopeGroups, name: string): Promise<{ items: TemplateVersion[] }> {
    const t = await mustGet(name, scope);
    return {
      items: (await d.store.versions(t.id)).map((v) => ({
        version: v.version,
        author: v.author,
        createdAt: v.createdAt,
        comment: v.comment,
        diff: v.diff as TemplateChange[],
      })),
    };
  }

  async function version(scope: ScopeGroups, name: string, n: number): Promise<ConfigTemplate & { comment: string }> {
    const t = await mustGet(name, scope);
    const v = await d.store.version(t.id, n);
    if (!v) throw new NotFound('template version', `${name}@${n}`);
    return {
      ...templateView({ ...t, version: v.version, updated_by: v.author, updated_at: v.createdAt }, v.spec),
      comment: v.comment,
    };
  }

  async function withDevices(t: TemplateRow): Promise<TemplateWithDevices> {
    return { ...templateView(t, t.spec), devices: (await d.desired.targetsOf(t)).length };
  }

  async function list(scope: ScopeGroups) {
    const out: TemplateWithDevices[] = [];
    for (const t of await d.store.templates()) if (reachInside(scope, reachOf(t.spec))) out.push(await withDevices(t));
    return { items: out };
  }

  async function setModelSchema(actor: Actor, model: string, schema: unknown) {
    const compiled = compileModelSchema(schema);
    await d.store.putModel(model, schema, actor.id, d.clock.now().toISOString());
    d.schemas.replace(model, compiled);
    await d.audit.record({ actor, action: 'config.model_schema.set', target: `model:${model}` });
    d.schemaChanged(model);
    return { model, schema };
  }

  return {
    create,
    update,
    restore,
    remove,
    versions,
    version,
    list,
    get: async (scope, name) => withDevices(await mustGet(name, scope)),
    setModelSchema,
    models: async () => ({
      items: (await d.store.models()).map((m) => ({
        model: m.model,
        updatedBy: m.updated_by,
        updatedAt: m.updated_at,
      })),
    }),
    modelSchema: async (model) => {
      const m = await d.store.model(model);
      if (!m) throw new NotFound('model schema', model);
      return { model, schema: JSON.parse(m.schema_json) as unknown };
    },
    removeModelSchema: async (actor, model) => {
      if (!(await d.store.removeModel(model))) throw new NotFound('model schema', model);
      d.schemas.replace(model, null);
      await d.audit.record({ actor, action: 'config.model_schema.delete', target: `model:${model}` });
      d.schemaChanged(model);
    },
  };
}

/** The settings keys and file paths (`file:/etc/x`) a spec sets. */
function keysOf(spec: StoredSpec): string[] {
  return [...Object.keys(spec.settings), ...spec.files.map((f) => `file:${f.path}`)];
}

/** Audit details: what changed, never a secret's value. */
function summarize(diff: TemplateChange[]) {
  return diff.slice(0, 50).map((c) => (c.secret ? `${c.field} ${c.change} (secret)` : `${c.field} ${c.change}`));
}
