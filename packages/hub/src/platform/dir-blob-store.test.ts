import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobStoreContract } from './blob-store.contract.js';
import { createDirBlobStore } from './dir-blob-store.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

blobStoreContract('directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'outpost-blobs-'));
  roots.push(root);
  return createDirBlobStore(root);
});
