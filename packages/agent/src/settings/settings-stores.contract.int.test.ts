import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCommandSettingsStore } from './command.settings-store.js';
import {
  settingsStoreContract,
  settingsStoreUsersContract,
  type SettingsStoreImplementation,
} from './settings-store.contract.js';
import { editJsonFile, jsonFileSettings } from './settings-stores.contract.fixture.js';

/** A vendor tool keeping settings in db.json next to it: `show` prints the tree, `set` takes changes on stdin. */
const VENDOR_TOOL = `#!${process.execPath}
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const db = join(import.meta.dirname, 'db.json');
if (process.argv[2] === 'show') process.stdout.write(readFileSync(db));
else {
  const tree = JSON.parse(readFileSync(db, 'utf8'));
  for (const [key, value] of Object.entries(JSON.parse(readFileSync(0, 'utf8')))) {
    const parts = key.split('.');
    let node = tree;
    for (const p of parts.slice(0, -1)) {
      if (!node[p] || typeof node[p] !== 'object' || Array.isArray(node[p])) node[p] = {};
      node = node[p];
    }
    node[parts.at(-1)] = value;
  }
  writeFileSync(db, JSON.stringify(tree));
}
`;

const vendorCommandSettings: SettingsStoreImplementation = {
  name: 'vendor command',
  async open(tree) {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-vendor-settings-'));
    const tool = join(dir, 'vendor.mjs');
    writeFileSync(tool, VENDOR_TOOL);
    chmodSync(tool, 0o755);
    writeFileSync(join(dir, 'db.json'), JSON.stringify(tree));
    return {
      store: createCommandSettingsStore({
        readCommand: [tool, 'show'],
        writeCommand: [tool, 'set'],
        stateFile: join(dir, 'agent', 'settings-state.json'),
        filesRoot: join(dir, 'root'),
      }),
      changeOutside: async (changes) => editJsonFile(join(dir, 'db.json'), changes),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

settingsStoreContract(vendorCommandSettings);
settingsStoreUsersContract(vendorCommandSettings);
settingsStoreUsersContract(jsonFileSettings);
