import type { ArtifactRecord, SignedManifest, SignedRoot } from '@outpost/protocol';
import type { Db } from '../../../storage/database.js';
import type { ArtifactsTable } from '../updates.tables.js';

export interface NewArtifact {
  id: string;
  name: string;
  version: string;
  versionKey: string;
  kind: string;
  models: string[];
  minVersion: string | null;
  releaseNotes: string;
  createdBy: string;
  createdAt: string;
}

export interface ArtifactsStore {
  insert(a: NewArtifact): Promise<void>;
  get(id: string): Promise<ArtifactRecord | null>;
  byNameVersion(name: string, version: string): Promise<ArtifactRecord | null>;
  list(name?: string): Promise<ArtifactRecord[]>;
  /** Records the content once; false when it was already uploaded. */
  setContent(id: string, sha256: string, length: number, at: string): Promise<boolean>;
  setManifest(id: string, manifest: SignedManifest): Promise<void>;
  remove(id: string): Promise<void>;
  countBySha(sha256: string): Promise<number>;
  roots(): Promise<SignedRoot[]>;
  insertRoot(root: SignedRoot, by: string, at: string): Promise<boolean>;
  keys(): Promise<Array<{ keyid: string; name: string; publicPem: string; createdAt: string; createdBy: string }>>;
  key(keyid: string): Promise<{ keyid: string; publicPem: string; privateEnc: string } | null>;
  insertKey(k: {
    keyid: string;
    name: string;
    publicPem: string;
    privateEnc: string;
    createdBy: string;
    createdAt: string;
  }): Promise<void>;
}

const toRecord = (r: ArtifactsTable): ArtifactRecord => ({
  id: r.id,
  name: r.name,
  version: r.version,
  kind: r.kind as ArtifactRecord['kind'],
  sha256: r.sha256,
  length: r.length === null ? null : Number(r.length),
  models: JSON.parse(r.models_json) as string[],
  minVersion: r.min_version,
  releaseNotes: r.release_notes,
  manifest: r.manifest_json ? (JSON.parse(r.manifest_json) as SignedManifest) : null,
  createdBy: r.created_by,
  createdAt: r.created_at,
  uploadedAt: r.uploaded_at,
});

export function createArtifactsStore(db: Db): ArtifactsStore {
  return {
    async insert(a) {
      await db
        .insertInto('artifacts')
        .values({
          id: a.id,
          name: a.name,
          version: a.version,
          version_key: a.versionKey,
          kind: a.kind,
          sha256: null,
          length: null,
          models_json: JSON.stringify(a.models),
          min_version: a.minVersion,
          release_notes: a.releaseNotes,
          manifest_json: null,
          created_by: a.createdBy,
          created_at: a.createdAt,
          uploaded_at: null,
        })
        .execute();
    },
    async get(id) {
      const r = await db.selectFrom('artifacts').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRecord(r) : null;
    },
    async byNameVersion(name, version) {
      const r = await db
        .selectFrom('artifacts')
        .selectAll()
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      return r ? toRecord(r) : null;
    },
    async list(name) {
      let q = db.selectFrom('artifacts').selectAll();
      if (name) q = q.where('name', '=', name);
      return (await q.orderBy('name').orderBy('version_key', 'desc').limit(1000).execute()).map(toRecord);
    },
    async setContent(id, sha256, length, at) {
      const [r] = await db
        .updateTable('artifacts')
        .set({ sha256, length, uploaded_at: at })
        .where('id', '=', id)
        .where('sha256', 'is', null)
        .execute();
      return Number(r?.numUpdatedRows ?? 0) === 1;
    },
    async setManifest(id, manifest) {
      await db
        .updateTable('artifacts')
        .set({ manifest_json: JSON.stringify(manifest) })
        .where('id', '=', id)
        .execute();
    },
    async remove(id) {
      await db.deleteFrom('artifacts').where('id', '=', id).execute();
    },
    async countBySha(sha256) {
      const r = await db
        .selectFrom('artifacts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('sha256', '=', sha256)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async roots() {
      const rows = await db.selectFrom('update_roots').select('root_json').orderBy('version').execute();
      return rows.map((r) => JSON.parse(r.root_json) as SignedRoot);
    },
    async insertRoot(root, by, at) {
      const r = await db
        .insertInto('update_roots')
        .values({
          version: root.signed.version,
          root_json: JSON.stringify(root),
          expires_at: root.signed.expires,
          created_by: by,
          created_at: at,
        })
        .onConflict((oc) => oc.column('version').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async keys() {
      const rows = await db
        .selectFrom('update_keys')
        .select(['keyid', 'name', 'public_pem', 'created_at', 'created_by'])
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        keyid: r.keyid,
        name: r.name,
        publicPem: r.public_pem,
        createdAt: r.created_at,
        createdBy: r.created_by,
      }));
    },
    async key(keyid) {
      const r = await db
        .selectFrom('update_keys')
        .select(['keyid', 'public_pem', 'private_enc'])
        .where('keyid', '=', keyid)
        .executeTakeFirst();
      return r ? { keyid: r.keyid, publicPem: r.public_pem, privateEnc: r.private_enc } : null;
    },
    async insertKey(k) {
      await db
        .insertInto('update_keys')
        .values({
          keyid: k.keyid,
          name: k.name,
          public_pem: k.publicPem,
          private_enc: k.privateEnc,
          created_by: k.createdBy,
          created_at: k.createdAt,
        })
        .execute();
    },
  };
}
