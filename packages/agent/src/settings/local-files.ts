import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { emptyState, sha256Hex, type FileState, type SettingsState, type SettingsStore } from './settings.store.js';

export interface LocalFilesOptions {
  /** Where the agent keeps what it last applied (mode 0600: it may hold secrets). */
  stateFile: string;
  /** Template files land under this directory (`/` on a device whose agent may write anywhere). */
  filesRoot: string;
}

/** What a real device's stores share, wherever its settings live: template files, the agent's state, who is logged in. */
export type LocalFiles = Pick<SettingsStore, 'readFile' | 'writeFile' | 'loadState' | 'saveState' | 'loggedInUsers'>;

export async function atomicWrite(path: string, data: string | Buffer, mode: number) {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

export function createLocalFiles(o: LocalFilesOptions): LocalFiles {
  const root = resolve(o.filesRoot);
  const placed = (p: string) => {
    const full = resolve(join(root, p));
    // The hub checks paths too; this keeps a bad one from leaving the root whatever it says.
    if (full !== root && !full.startsWith(root.endsWith('/') ? root : `${root}/`))
      throw new Error(`file path ${p} leaves ${root}`);
    return full;
  };
  return {
    async readFile(p): Promise<FileState> {
      try {
        const full = placed(p);
        const [content, st] = await Promise.all([readFile(full), stat(full)]);
        return { sha256: sha256Hex(content), mode: st.mode & 0o7777 };
      } catch {
        return { sha256: null, mode: null };
      }
    },
    async writeFile(p, content, mode) {
      await atomicWrite(placed(p), content, mode);
    },
    async loadState() {
      try {
        return { ...emptyState(), ...(JSON.parse(await readFile(o.stateFile, 'utf8')) as SettingsState) };
      } catch {
        return null;
      }
    },
    async saveState(s) {
      await atomicWrite(o.stateFile, JSON.stringify(s), 0o600);
    },
    loggedInUsers() {
      // `who` reads utmp: the people with a session on the device right now.
      return new Promise((res) => {
        execFile('who', [], { timeout: 2000 }, (err, stdout) => {
          if (err) return res([]);
          res(
            [
              ...new Set(
                stdout
                  .split('\n')
                  .map((l) => l.split(/\s+/)[0])
                  .filter(Boolean),
              ),
            ]
              .slice(0, 8)
              .map((u) => u.slice(0, 64)),
          );
        });
      });
    },
  };
}
