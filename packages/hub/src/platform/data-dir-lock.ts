import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One hub per data directory. Two hubs on one directory would both evaluate alerts, both send
 * notifications and both append to the audit chain, so the second start is refused and told
 * which process holds the directory. Offline commands that write (`outpost hub reset-password`)
 * take the same lock. A lock left by a process that is gone (kill -9, power loss) is taken over.
 */
export const LOCK_FILE = 'hub.lock';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** What holds it: `hub`, or the offline command's name. */
  purpose: string;
  /** Tells this holder from an earlier one of the same process. */
  nonce?: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
    super(
      `the data directory ${dataDir} is in use by ${where} (${holder.purpose}, since ${holder.since}); ` +
        `stop it first` +
        (holder.host === hostname() ? '' : `, or delete ${join(dataDir, LOCK_FILE)} if that host no longer uses it`),
    );
    this.name = 'DataDirLockedError';
  }
}

// Locks this process holds: a lock file naming our own pid that is not in here was left by an
// earlier process that had the same pid (a container's pid 1 after a restart).
const heldHere = new Map<string, string>();

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string, purpose: string, now: Date = new Date()): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: now.toISOString(), purpose, nonce: randomUUID() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(path);
      if (holder && isAlive(holder, heldHere.has(path))) throw new DataDirLockedError(dataDir, holder);
      // Stale (its process is gone) or unreadable (torn write): take it over. If another start
      // takes it over at the same moment, one of the two `wx` opens fails and the loop refuses.
      unlinkQuietly(path);
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    heldHere.set(path, me.nonce!);
    return {
      release() {
        if (heldHere.get(path) !== me.nonce) return;
        heldHere.delete(path);
        if (readHolder(path)?.nonce === me.nonce) unlinkQuietly(path);
      },
    };
  }
  const holder = readHolder(path);
  throw new DataDirLockedError(dataDir, holder ?? { ...me, pid: -1, purpose: 'unknown' });
}

function readHolder(path: string): LockHolder | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string') return null;
    return {
      pid: v.pid,
      host: v.host,
      since: String(v.since ?? '?'),
      purpose: String(v.purpose ?? 'hub'),
      ...(typeof v.nonce === 'string' ? { nonce: v.nonce } : {}),
    };
  } catch {
    return null;
  }
}

/** A holder on another host cannot be checked from here, so it counts as alive. */
function isAlive(holder: LockHolder, heldByThisProcess: boolean): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return heldByThisProcess;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string) {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
