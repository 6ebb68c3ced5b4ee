import { defineModule } from '../../platform/module.js';
import type { BlobStore } from '../../platform/blob-store.js';
import { createDirBlobStore } from '../../platform/dir-blob-store.js';
import { dialectOf } from '../../storage/sql-dialect.js';
import type { HubContext } from '../hub-context.js';
import { blobsMigration } from './blobs.migration.js';
import { createDatabaseBlobStore } from './database-blob-store.js';

const ABANDONED_AFTER_MS = 24 * 3_600_000;

/** Artifacts and session recordings, kept where every replica reads them: the database or a directory. */
export const blobsModule = defineModule({
  name: 'blobs',
  migrations: { '042_blobs': { up: blobsMigration } },
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock' | 'logger' | 'config'>) {
    const choice = blobStoreChoice(d.config);
    if (choice.kind === 'dir') {
      const blobs: BlobStore = createDirBlobStore(choice.root);
      return { api: { blobs }, parts: {} };
    }
    if (dialectOf(d.db) !== 'postgres') throw new Error('the database blob store needs PostgreSQL');
    const store = createDatabaseBlobStore(d.db, { clock: d.clock });
    const blobs: BlobStore = store;
    return {
      api: { blobs },
      parts: {
        jobs: [
          { name: 'blobs.sweepAbandoned', everyMs: 3_600_000, run: () => store.sweepAbandoned(ABANDONED_AFTER_MS) },
        ],
      },
    };
  },
});

/** Where a hub with this configuration keeps its blobs: `postgres`, a directory, or (unset) by the database. */
export function blobStoreChoice(config: { blobStore?: string; databaseUrl?: string; dataDir: string }) {
  const v = config.blobStore ?? (config.databaseUrl ? 'postgres' : `dir:${config.dataDir}`);
  if (v === 'postgres') {
    if (!config.databaseUrl) throw new Error('OUTPOST_BLOB_STORE=postgres needs OUTPOST_DATABASE_URL');
    return { kind: 'database' as const };
  }
  return { kind: 'dir' as const, root: v.slice('dir:'.length) };
}
