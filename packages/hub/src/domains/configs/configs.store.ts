import type { Db } from '../../storage/database.js';
import type { ConfigTemplatesTable, ConfigTemplateVersionsTable } from './configs.tables.js';
import type { StoredSpec } from './template-spec.js';

export interface TemplateRow {
  id: string;
  name: string;
  version: number;
  priority: number;
  policy: string;
  spec: StoredSpec;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface VersionRow {
  version: number;
  spec: StoredSpec;
  author: string;
  createdAt: string;
  comment: string;
  diff: unknown[];
}

const toTemplate = (r: ConfigTemplatesTable): TemplateRow => ({ ...r, spec: JSON.parse(r.spec_json) as StoredSpec });
const toVersion = (r: ConfigTemplateVersionsTable): VersionRow => ({
  version: r.version,
  spec: JSON.parse(r.spec_json) as StoredSpec,
  author: r.author,
  createdAt: r.created_at,
  comment: r.comment,
  diff: JSON.parse(r.diff_json) as unknown[],
});

export interface ConfigsStore {
  templates(): Promise<TemplateRow[]>;
  template(name: string): Promise<TemplateRow | null>;
  /** Writes the template's new current spec and its version row in one transaction. */
  saveVersion(
    t: Omit<TemplateRow, 'spec'> & {
      spec: StoredSpec;
    },
    v: {
      author: string;
      comment: string;
      diff: unknown[];
    },
    isNew: boolean,
  ): Promise<void>;
  removeTemplate(id: string): Promise<void>;
  versions(templateId: string): Promise<VersionRow[]>;
  version(templateId: string, version: number): Promise<VersionRow | null>;
  putBlob(sha256: string, content: Buffer, at: string): Promise<void>;
  blobs(hashes: string[]): Promise<
    Map<
      string,
      {
        content_b64: string;
        size: number;
      }
    >
  >;
  models(): Promise<
    {
      model: string;
      updated_at: string;
      updated_by: string;
      schema_json: string;
    }[]
  >;
  /** Names of the models that have a settings schema. */
  modelNames(): Promise<string[]>;
  model(model: string): Promise<{
    model: string;
    updated_at: string;
    updated_by: string;
    schema_json: string;
  } | null>;
  putModel(model: string, schema: unknown, by: string, at: string): Promise<void>;
  removeModel(model: string): Promise<boolean>;
  overrides(deviceIds?: string[]): Promise<
    {
      key: string;
      secret: number;
      device_id: string;
      updated_at: string;
      value_json: string;
      updated_by: string;
    }[]
  >;
  putOverrides(
    deviceId: string,
    rows: Array<{
      key: string;
      value_json: string;
      secret: number;
    }>,
    by: string,
    at: string,
  ): Promise<void>;
  removeOverride(deviceId: string, key: string): Promise<boolean>;
}

/** Device ids bound per overrides query (SQLite binds at most 32,766 variables per statement). */
const OVERRIDES_SLICE = 500;

/** Templates with their versions, file blobs, model schemas and per-device overrides. */
export function createConfigsStore(db: Db): ConfigsStore {
  return {
    async templates(): Promise<TemplateRow[]> {
      return (await db.selectFrom('config_templates').selectAll().orderBy('name').execute()).map(toTemplate);
    },
    async template(name: string): Promise<TemplateRow | null> {
      const r = await db.selectFrom('config_templates').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toTemplate(r) : null;
    },
    /** Writes the template's new current spec and its version row in one transaction. */
    async saveVersion(
      t: Omit<TemplateRow, 'spec'> & { spec: StoredSpec },
      v: { author: string; comment: string; diff: unknown[] },
      isNew: boolean,
    ) {
      const spec_json = JSON.stringify(t.spec);
      await db.transaction().execute(async (trx) => {
        const row = {
          id: t.id,
          name: t.name,
          version: t.version,
          priority: t.priority,
          policy: t.policy,
          spec_json,
          created_at: t.created_at,
          updated_by: t.updated_by,
          updated_at: t.updated_at,
        };
        if (isNew) await trx.insertInto('config_templates').values(row).execute();
        else await trx.updateTable('config_templates').set(row).where('id', '=', t.id).execute();
        await trx
          .insertInto('config_template_versions')
          .values({
            template_id: t.id,
            version: t.version,
            spec_json,
            author: v.author,
            created_at: t.updated_at,
            comment: v.comment,
            diff_json: JSON.stringify(v.diff),
          })
          .execute();
      });
    },
    async removeTemplate(id: string) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('config_template_versions').where('template_id', '=', id).execute();
        await trx.deleteFrom('config_templates').where('id', '=', id).execute();
      });
    },
    async versions(templateId: string): Promise<VersionRow[]> {
      return (
        await db
          .selectFrom('config_template_versions')
          .selectAll()
          .where('template_id', '=', templateId)
          .orderBy('version', 'desc')
          .execute()
      ).map(toVersion);
    },
    async version(templateId: string, version: number): Promise<VersionRow | null> {
      const r = await db
        .selectFrom('config_template_versions')
        .selectAll()
        .where('template_id', '=', templateId)
        .where('version', '=', version)
        .executeTakeFirst();
      return r ? toVersion(r) : null;
    },
    async putBlob(sha256: string, content: Buffer, at: string) {
      await db
        .insertInto('config_blobs')
        .values({ sha256, content_b64: content.toString('base64'), size: content.length, created_at: at })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
    },
    async blobs(hashes: string[]): Promise<Map<string, { content_b64: string; size: number }>> {
      if (hashes.length === 0) return new Map();
      const rows = await db
        .selectFrom('config_blobs')
        .select(['sha256', 'content_b64', 'size'])
        .where('sha256', 'in', hashes)
        .execute();
      return new Map(rows.map((r) => [r.sha256, r]));
    },
    async models() {
      return db.selectFrom('config_models').selectAll().orderBy('model').execute();
    },
    /** Names of the models that have a settings schema. */
    async modelNames(): Promise<string[]> {
      return (await db.selectFrom('config_models').select('model').execute()).map((r) => r.model);
    },
    async model(model: string) {
      return (await db.selectFrom('config_models').selectAll().where('model', '=', model).executeTakeFirst()) ?? null;
    },
    async putModel(model: string, schema: unknown, by: string, at: string) {
      const row = { model, schema_json: JSON.stringify(schema), updated_by: by, updated_at: at };
      await db
        .insertInto('config_models')
        .values(row)
        .onConflict((oc) => oc.column('model').doUpdateSet(row))
        .execute();
    },
    async removeModel(model: string) {
      const [r] = await db.deleteFrom('config_models').where('model', '=', model).execute();
      return Number(r?.numDeletedRows ?? 0) > 0;
    },
    async overrides(deviceIds?: string[]) {
      const q = db.selectFrom('config_overrides').selectAll().orderBy('device_id').orderBy('key');
      if (!deviceIds) return q.execute();
      // In slices: a template over a large group names more devices than one statement may bind.
      const out = [];
      for (let i = 0; i < deviceIds.length; i += OVERRIDES_SLICE)
        out.push(...(await q.where('device_id', 'in', deviceIds.slice(i, i + OVERRIDES_SLICE)).execute()));
      return out;
    },
    async putOverrides(
      deviceId: string,
      rows: Array<{ key: string; value_json: string; secret: number }>,
      by: string,
      at: string,
    ) {
      await db.transaction().execute(async (trx) => {
        for (const r of rows) {
          const row = {
            device_id: deviceId,
            key: r.key,
            value_json: r.value_json,
            secret: r.secret,
            updated_by: by,
            updated_at: at,
          };
          await trx
            .insertInto('config_overrides')
            .values(row)
            .onConflict((oc) =>
              oc
                .columns(['device_id', 'key'])
                .doUpdateSet({ value_json: r.value_json, secret: r.secret, updated_by: by, updated_at: at }),
            )
            .execute();
        }
      });
    },
    async removeOverride(deviceId: string, key: string) {
      const [r] = await db
        .deleteFrom('config_overrides')
        .where('device_id', '=', deviceId)
        .where('key', '=', key)
        .execute();
      return Number(r?.numDeletedRows ?? 0) > 0;
    },
  };
}
