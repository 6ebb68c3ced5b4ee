#!/usr/bin/env node
// Entry for the `outpost` command: runs the compiled CLI (packages/cli/dist). In a source checkout
// it first compiles what is missing or older than its sources; an installed build has no sources
// and runs as it is.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const builder = join(root, 'scripts', 'build.mjs');
if (existsSync(builder) && existsSync(join(root, 'packages', 'cli', 'src'))) {
  const { buildAll, staleParts } = await import(pathToFileURL(builder).href);
  if (staleParts({ consoleToo: false }).length > 0) await buildAll({ quiet: true, consoleToo: false });
}
await import(pathToFileURL(join(root, 'packages', 'cli', 'dist', 'main.js')).href);
