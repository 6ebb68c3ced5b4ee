import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkBundle, type BundleMetafile } from './package-agent.mjs';

const meta = (inputs: string[], imports: Array<{ path: string; external?: boolean }> = []): BundleMetafile => ({
  inputs: Object.fromEntries(inputs.map((p) => [p, {}])),
  outputs: { 'outpost-agent.cjs': { imports } },
});

describe('the agent bundle check', () => {
  it('passes agent, guard and protocol code with Node modules required at run time', () => {
    checkBundle(
      meta(
        ['packages/agent/src/main.ts', 'packages/guard/src/index.ts', 'node_modules/mqtt/build/index.js'],
        [
          { path: 'node:tls', external: true },
          { path: 'events', external: true },
        ],
      ),
    );
  });

  it('fails naming hub, CLI, console, simulator and client sources', () => {
    for (const p of [
      'packages/hub/src/hub.ts',
      'packages/cli/src/main.ts',
      'packages/console/src/app/api.ts',
      'packages/sim/src/index.ts',
      'packages/client/src/http.ts',
    ])
      assert.throws(
        () => checkBundle(meta(['packages/agent/src/main.ts', p])),
        (e: Error) => e.message.includes(`bundled: ${p}`),
      );
  });

  it('fails naming a native addon or a native package', () => {
    assert.throws(
      () => checkBundle(meta(['node_modules/x/build/Release/x.node'])),
      /bundled: node_modules\/x\/build\/Release\/x\.node/,
    );
    assert.throws(
      () => checkBundle(meta(['node_modules/better-sqlite3/lib/index.js'])),
      /bundled: node_modules\/better-sqlite3/,
    );
  });

  it('fails naming a package left to be found at run time', () => {
    assert.throws(
      () => checkBundle(meta(['packages/agent/src/main.ts'], [{ path: 'bufferutil', external: true }])),
      /required at run time: bufferutil/,
    );
  });
});
