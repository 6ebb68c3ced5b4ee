import { basename, isAbsolute, resolve } from 'node:path';
import { FILE_ROOT_NAME } from '@outpost/protocol';

/** A directory the device lets the hub reach, by name: `ro` lists and reads, `rw` also writes and deletes. */
export interface DeclaredRoot {
  name: string;
  dir: string;
  mode: 'ro' | 'rw';
}

const ROOT_NAME = new RegExp(FILE_ROOT_NAME);

/** `--files /var/log:ro` (named `log`) or `--files logs=/var/log:ro`; the mode is required. */
export function parseFileRoot(spec: string): DeclaredRoot {
  const m = /^(?:([^=/]+)=)?(\/.*):(ro|rw)$/.exec(spec);
  if (!m) throw new Error(`--files expects [name=]/absolute/dir:ro|rw, got "${spec}"`);
  const dir = resolve(m[2]);
  if (!isAbsolute(m[2]) || dir === '/')
    throw new Error(`--files: "${m[2]}" must be an absolute directory other than /`);
  const name = m[1] ?? basename(dir);
  if (!ROOT_NAME.test(name))
    throw new Error(
      `--files: root name "${name}" must be letters, digits, ".", "_" or "-" (name it: name=${dir}:${m[3]})`,
    );
  return { name, dir, mode: m[3] as 'ro' | 'rw' };
}

/** Several `--files` options; a name declared twice is refused. */
export function parseFileRoots(specs: readonly string[]): DeclaredRoot[] {
  const roots = specs.map(parseFileRoot);
  const seen = new Set<string>();
  for (const r of roots) {
    if (seen.has(r.name))
      throw new Error(`--files: the root name "${r.name}" is declared twice; name one (name=path:mode)`);
    seen.add(r.name);
  }
  return roots;
}
