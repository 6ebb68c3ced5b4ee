import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import {
  crossingsIn,
  DOMAINS_DIR,
  findCrossings,
  findPlatformTableNames,
  PLATFORM_DIR,
  tableNamesIn,
} from './domain-boundaries.js';

// Where one hub domain still reaches into another's files or tables: none is left. The list only shrinks: a
// new crossing fails the build (import the other domain's public face, `domains/<name>/index.ts`,
// or ask its read model), and a crossing that is gone must be struck from the list.
const KNOWN_CROSSINGS: string[] = [];

describe('hub domain boundaries', () => {
  const crossings = findCrossings();
  const current = new Set(crossings.map((c) => c.key));

  it('no domain imports another domain other than through its public face, or queries its tables (beyond the known list)', () => {
    const added = crossings.filter((c) => !KNOWN_CROSSINGS.includes(c.key)).map((c) => `${c.key} (in ${c.file})`);
    assert.deepEqual(added, [], 'new crossings between domains');
  });

  it('the known list holds only crossings that still exist', () => {
    assert.deepEqual(
      KNOWN_CROSSINGS.filter((k) => !current.has(k)),
      [],
      'strike these from KNOWN_CROSSINGS',
    );
  });

  it("tells a public-face import from a reach into internals, and an own table from another's", () => {
    const at = (rel: string) => join(DOMAINS_DIR, rel);
    const files = [
      {
        path: at('views/views.service.ts'),
        text: "import { x } from '../devices/index.js';\nimport { y } from '../devices/devices.store.js';",
      },
      {
        path: at('views/views.store.ts'),
        text: "db.selectFrom('saved_views'); db.selectFrom('devices').innerJoin('users as u', 'x')",
      },
    ];
    const owners = new Map([
      ['saved_views', 'views'],
      ['devices', 'devices'],
      ['users', 'users'],
    ]);
    const found = crossingsIn(files, owners, () => true).map((c) => c.key);
    assert.deepEqual(found, ['views -> devices/devices.store.ts', 'views -> table devices', 'views -> table users']);
  });

  it("platform/ names no domain's table: the table-specific part of a port stays with the owning domain", () => {
    assert.deepEqual(findPlatformTableNames(), []);
  });

  it('finds a quoted table name in a platform file, and not a word that is no table', () => {
    const owners = new Map([
      ['enrollment_tokens', 'enrollment'],
      ['devices', 'devices'],
    ]);
    const files = [
      { path: join(PLATFORM_DIR, 'a.ts'), text: "type T = 'enrollment_tokens' | 'other';" },
      { path: join(PLATFORM_DIR, 'b.ts'), text: '// the devices of a group\nconst kind = `device`;' },
    ];
    assert.deepEqual(tableNamesIn(files, owners), ['a.ts names table enrollment_tokens (enrollment)']);
  });
});
