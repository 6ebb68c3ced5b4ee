import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutpostClient } from '@outpost/client';
import type { Role } from '@outpost/protocol';

/**
 * The `outpost` command as an operator runs it: the compiled CLI (packages/cli/dist, which the test
 * runner builds first) on plain Node, with no TypeScript compiler at run time.
 */
export const OUTPOST_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/**
 * The environment that points the `outpost` command at a test hub: its address, its CA (written to
 * `dir/ca.pem`), a new API token of `role`, and a home of its own under `dir`.
 */
export async function cliEnvFor(
  t: { hub: { httpUrl: string; caPem: string }; admin: OutpostClient },
  dir: string,
  role: Role,
): Promise<Record<string, string>> {
  writeFileSync(join(dir, 'ca.pem'), t.hub.caPem);
  const { token } = await t.admin.tokens.create({ name: `cli-${role}`, role });
  return {
    OUTPOST_HOME: join(dir, 'home'),
    OUTPOST_HUB: t.hub.httpUrl,
    OUTPOST_TOKEN: token,
    OUTPOST_CA_FILE: join(dir, 'ca.pem'),
  };
}
