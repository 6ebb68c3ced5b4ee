import { rename, writeFile } from 'node:fs/promises';

/** Write-then-rename so a crash never leaves a half-written key or certificate behind. */
export async function writeAtomic(path: string, data: string | Buffer, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}
