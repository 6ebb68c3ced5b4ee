import { readFileSync, writeFileSync } from 'node:fs';
import { MODULE_TABLE_END, MODULE_TABLE_START, moduleTable } from './module-map.js';

// Prints the module table; with --write, replaces it in docs/ARCHITECTURE.md.
const doc = new URL('../../../../docs/ARCHITECTURE.md', import.meta.url);
const table = moduleTable();
if (process.argv.includes('--write')) {
  const text = readFileSync(doc, 'utf8');
  const start = text.indexOf(MODULE_TABLE_START);
  const end = text.indexOf(MODULE_TABLE_END);
  if (start < 0 || end < start) throw new Error('docs/ARCHITECTURE.md has no module table markers');
  writeFileSync(doc, `${text.slice(0, start + MODULE_TABLE_START.length)}\n${table}\n${text.slice(end)}`);
} else {
  console.log(table);
}
