import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// What of a hub's data directory a backup holds. The database is not in this list: it is copied
// through SQLite's backup API (a consistent snapshot while the hub writes), never as a file.
//
//   pki/          the CA certificate and its key (sealed under the KEK), the MQTT session-ticket key
//                 (sealed under the KEK), so devices keep trusting the hub and resume their sessions
//   artifacts/    uploaded firmware, apps and files, named by their SHA-256
//   recordings/   remote-access transcripts and captures, checked against hashes sealed in the audit log
//   audit/        the audit checkpoint key (sealed under the KEK), so the restored chain's signed
//                 checkpoints still verify
//
// Left out on purpose:
//   kek                         the key-encryption key never enters a backup (docs/OPERATIONS.md); the
//                               hub keeps it outside the data directory and moves out one it finds here
//   pki/server.key.enc, .crt    the HTTPS/MQTT server identity: the hub issues a new one from the same
//                               CA when it starts on the restored data, and devices, which trust the
//                               CA, accept it (server.key: the clear key of earlier releases)
//   *.tmp-<pid>, artifacts/tmp/ writes in progress (a file appears under its real name only once whole),
//   *.<random>.part             and the blob store's (platform/dir-blob-store.ts)
//   file-spool/                 device files in transit (uploads, bulk pulls): emptied at every start
//   recording-spool/            recordings of sessions still running (moved to recordings/ at their end)
//   outpost.db-wal, -shm        the database's own files: the snapshot already holds their content
//   hub.lock                    which process runs on the directory now (platform/data-dir-lock.ts)
//   audit/head-checkpoint.json  the latest signed head, kept beside the database: it may be newer than
//                               the snapshot, and the snapshot holds every checkpoint up to its own head
// Anything else found in the directory (an operator's notes, a log file) is reported as left out.

export const INCLUDED_DIRS = ['pki', 'artifacts', 'recordings', 'audit'] as const;
const DATABASE_FILES = new Set(['outpost.db', 'outpost.db-wal', 'outpost.db-shm', 'outpost.db-journal']);
const NEVER = new Map([
  ['kek', 'the key-encryption key is never backed up'],
  ['pki/server.key', 'the server key is re-issued from the CA on start'],
  ['pki/server.key.enc', 'the server key is re-issued from the CA on start'],
  ['pki/server.crt', 'the server certificate is re-issued from the CA on start'],
  ['audit/head-checkpoint.json', 'the signed head beside the database may be newer than its snapshot'],
]);

export interface DataFiles {
  /** Paths relative to the data directory, forward slashes, sorted. */
  files: string[];
  leftOut: Array<{ path: string; reason: string }>;
}

function classify(rel: string): 'include' | 'skip' | string {
  if (DATABASE_FILES.has(rel) || rel === 'hub.lock') return 'skip';
  const never = NEVER.get(rel);
  if (never) return never;
  if (/\.tmp-\d+$/.test(rel) || /\.[0-9a-f]{12}\.part$/.test(rel) || rel.startsWith('artifacts/tmp/')) return 'skip';
  if (rel.startsWith('file-spool/') || rel.startsWith('recording-spool/')) return 'skip';
  const top = rel.split('/')[0];
  return (INCLUDED_DIRS as readonly string[]).includes(top) && rel.includes('/') ? 'include' : 'not hub data';
}

/** Whether a backup may hold this path of a data directory (restore refuses any other). */
export function isBackedUpPath(rel: string): boolean {
  return rel === 'outpost.db' || classify(rel) === 'include';
}

/** Walks `dataDir` (symbolic links are not followed) and sorts its files into kept and left out. */
export async function listDataFiles(dataDir: string): Promise<DataFiles> {
  const out: DataFiles = { files: [], leftOut: [] };
  async function walk(rel: string): Promise<void> {
    for (const name of (await readdir(join(dataDir, rel))).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dataDir, child)).catch(() => null);
      if (!st) continue; // removed while we walked
      if (st.isDirectory()) await walk(child);
      else if (!st.isFile()) out.leftOut.push({ path: child, reason: 'not a regular file' });
      else {
        const verdict = classify(child);
        if (verdict === 'include') out.files.push(child);
        else if (verdict !== 'skip') out.leftOut.push({ path: child, reason: verdict });
      }
    }
  }
  await walk('');
  return out;
}
