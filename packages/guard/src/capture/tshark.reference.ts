// Helpers for comparing the inspector with tshark, the reference dissector (tests only).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared test-data folder: ../shared/testdata relative to the repository root. */
export function testdataDir(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl));
  while (dir !== dirname(dir) && !existsSync(join(dir, 'packages'))) dir = dirname(dir);
  return resolve(dir, '..', 'shared', 'testdata');
}

export function tsharkAvailable(): boolean {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

export function capturesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng'))
    .sort()
    .map((f) => join(dir, f));
}

/** Runs tshark and returns, per frame number, the tab-separated fields split on commas. */
export async function tsharkFields(file: string, fields: string[]): Promise<Map<number, string[][]>> {
  const args = ['-r', file, '-T', 'fields', '-e', 'frame.number', ...fields.flatMap((f) => ['-e', f])];
  const stdout = await new Promise<string>((res, rej) => {
    execFile('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, out) =>
      err ? rej(err) : res(out),
    );
  });
  const out = new Map<number, string[][]>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [frame, ...rest] = line.split('\t');
    out.set(
      Number(frame),
      rest.map((v) => (v === '' ? [] : v.split(','))),
    );
  }
  return out;
}
