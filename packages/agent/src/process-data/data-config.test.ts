import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySettingsStore } from '../settings/memory.settings-store.js';
import { DataConfigError, parseDataConfig } from './data-config.js';
import { dataSourcesLoader } from './data-wiring.js';

const tcp = (p: string, extra: Record<string, unknown> = {}) => ({
  kind: 'modbus-tcp',
  host: '10.0.0.5',
  points: [{ p, table: 'holding', address: 0, ...extra }],
});

describe('the data sources document', () => {
  it('refuses what it cannot run, naming the problem', () => {
    const refused = (doc: unknown, text: RegExp) =>
      assert.throws(
        () => parseDataConfig(JSON.stringify(doc)),
        (e: unknown) => e instanceof DataConfigError && e.code === 'data_sources_invalid' && text.test(e.message),
      );
    refused({ sources: [tcp('a'), tcp('a')] }, /declared twice/);
    refused({ sources: [tcp('Bad Name')] }, /points\/0\/p/);
    refused({ sources: [tcp('a', { type: 'bit' })] }, /needs "bit"/);
    refused({ sources: [tcp('a', { type: 'string' })] }, /needs "length"/);
    refused(
      { sources: [{ ...tcp('a'), points: [{ p: 'a', table: 'input', address: 0, writable: true }] }] },
      /read-only/,
    );
    refused({ sources: [{ kind: 'command', argv: ['sensors'], points: [{ p: 'a' }] }] }, /absolute path/);
    refused({ sources: [{ kind: 'socket', points: [{ p: 'a' }] }] }, /either a path or a port/);
    const rtu = (line: Record<string, unknown>) => ({
      sources: [
        { kind: 'modbus-rtu', device: '/dev/ttyS1', ...line, points: [{ p: 'a', table: 'input', address: 0 }] },
      ],
    });
    refused(rtu({ baudRate: 12345 }), /baudRate/);
    refused(rtu({ parity: 'mark' }), /parity/);
    refused(rtu({ stopBits: 3 }), /stopBits/);
    assert.equal(
      parseDataConfig(JSON.stringify(rtu({ baudRate: 9600, parity: 'even', stopBits: 1 }))).sources.length,
      1,
    );
    assert.throws(() => parseDataConfig('{'), /not valid JSON/);
    assert.equal(parseDataConfig(JSON.stringify([tcp('a')])).sources.length, 1, 'a bare list is the sources');
  });

  it('takes the data.sources setting of a template in place of the file’s list, keeping the file’s other keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-data-cfg-'));
    try {
      const file = join(dir, 'sources.json');
      const store = createMemorySettingsStore({});
      const load = dataSourcesLoader(file, store);
      assert.equal(await load(), undefined);
      writeFileSync(file, JSON.stringify({ maxSilenceS: 60, sources: [tcp('from_file')] }));
      assert.deepEqual(parseDataConfig((await load())!).sources[0].points[0].p, 'from_file');
      await store.write({ 'data.sources': JSON.stringify([tcp('from_template')]) });
      const cfg = parseDataConfig((await load())!);
      assert.equal(cfg.maxSilenceS, 60);
      assert.deepEqual(
        cfg.sources.map((s) => s.points[0].p),
        ['from_template'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
