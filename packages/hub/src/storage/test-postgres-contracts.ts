// Runs the domains' store contract suites (the `stores.contract.test.ts` files, which run on
// SQLite in the unit tier) on a throw-away PostgreSQL cluster: one cluster per test file, one
// migrated database per domain's runner, emptied before each test. The runners are spread over
// a few test files (shards) so each stays well inside the integration tier's time per file.
import { after, describe, it } from 'node:test';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { selectTestDialects } from './test-database.js';
import { postgresSuiteDatabase } from './test-postgres-database.js';
import { postgresMissing, startTestPostgres } from './test-postgres.js';

const DOMAINS = fileURLToPath(new URL('../domains/', import.meta.url));

/** Every domain's store contract runner, in a stable order. */
export function contractRunners(dir = DOMAINS, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) contractRunners(path, out);
    else if (name === 'stores.contract.test.ts') out.push(path);
  }
  return out;
}

/** Registers the runners of shard `shard` (0-based) of `shards` on a cluster of this file's own. */
export async function storeContractsOnPostgres(shard: number, shards: number): Promise<void> {
  const mine = contractRunners().filter((_, i) => i % shards === shard);
  const missing = postgresMissing();
  if (missing) {
    describe(`store contracts on PostgreSQL (${shard + 1}/${shards})`, () => {
      it(`runs ${mine.length} domains' store contracts on PostgreSQL`, { skip: missing }, () => {});
    });
    return;
  }
  const cluster = await startTestPostgres();
  after(() => cluster.stop());
  let n = 0;
  for (const file of mine) {
    // A runner reads the selected dialects when it is imported: each gets a database of its own.
    selectTestDialects([{ name: 'postgres', open: postgresSuiteDatabase(cluster, `suite_${++n}`) }]);
    await import(pathToFileURL(file).href);
  }
}
