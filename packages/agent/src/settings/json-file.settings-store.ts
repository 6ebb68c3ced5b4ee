import { execFile } from 'node:child_process';
import { watch as fsWatch } from 'node:fs';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { emptyState, flatten, setIn, sha256Hex, type FileState, type SettingsState, type SettingsStore } from './settings.store.js';

export interface JsonFileStoreOptions {
  /** The device's settings, a JSON tree the device's own tooling also reads (and people edit). */
  file: string;
  /** Where the agent keeps what it last applied (mode 0600: it may hold secrets). */
  stateFile: string;
  /** Template files land under this directory (`/` on a device whose agent may write anywhere). */
  filesRoot: string;
}

async function atomicWrite(path: string, data: string | Buffer, mode: number) {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/** Settings in a JSON file on a real device; changes made by editing it are seen by polling and watching. */
export function createJsonFileSettingsStore(o: JsonFileStoreOptions): SettingsStore {
  const root = resolve(o.filesRoot);
  const placed = (p: string) => {
    const full = resolve(join(root, p));
    // The hub checks paths too; this keeps a bad one from leaving the root whatever it says.
    if (full !== root && !full.startsWith(root.endsWith('/') ? root : `${root}/`)) throw new Error(`file path ${p} leaves ${root}`);
    return full;
  };
  async function readTree(): Promise<Record<string, unknown>> {
    try {
      const parsed = JSON.parse(await readFile(o.file, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }
  return {
    async read() {
      return flatten(await readTree());
    },
    async write(changes) {
      const tree = await readTree();
      const out: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(changes)) {
        setIn(tree, k, v);
        out[k] = null;
      }
      try {
        await atomicWrite(o.file, `${JSON.stringify(tree, null, 2)}\n`, 0o600);
      } catch (err) {
        for (const k of Object.keys(changes)) out[k] = (err as Error).message.slice(0, 200);
      }
      return out;
    },
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
          res([...new Set(stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean))].slice(0, 8).map((u) => u.slice(0, 64)));
        });
      });
    },
    watch(onChange) {
      try {
        const w = fsWatch(dirname(o.file), (_e, name) => {
          if (name && join(dirname(o.file), name.toString()) === o.file) onChange();
        });
        w.on('error', () => undefined);
        return () => w.close();
      } catch {
        return () => undefined;
      }
    },
  };
}
