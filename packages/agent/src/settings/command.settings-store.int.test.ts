import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSettingsFeature } from './settings.feature.js';
import { createCommandSettingsStore, type CommandStoreOptions } from './command.settings-store.js';
import { desiredDoc as doc, settingsHarness as harness } from './settings.fixture.js';

/**
 * A vendor tool keeping the device's settings in db.json. `show` prints them (or fails while a
 * `broken` file exists); `set` takes changes on stdin and refuses `system.serial`; the others
 * misbehave as broken tools do.
 */
const VENDOR = `#!${process.execPath}
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = ${JSON.stringify('DIR')};
const db = join(dir, 'db.json');
const input = () => readFileSync(0, 'utf8');
const action = process.argv[2];
if (action === 'show') {
  if (existsSync(join(dir, 'broken'))) { process.stderr.write('vendor daemon not running\\n'); process.exit(2); }
  process.stdout.write(readFileSync(db));
} else if (action === 'set') {
  const tree = JSON.parse(readFileSync(db, 'utf8'));
  const errors = {};
  for (const [key, value] of Object.entries(JSON.parse(input()))) {
    if (key === 'system.serial') { errors[key] = 'read-only: ' + value; continue; }
    const parts = key.split('.');
    let node = tree;
    for (const p of parts.slice(0, -1)) node = node[p] ??= {};
    node[parts.at(-1)] = value;
    errors[key] = null;
  }
  writeFileSync(db, JSON.stringify(tree));
  process.stdout.write(JSON.stringify(errors));
  process.exit(Object.values(errors).some((e) => e) ? 1 : 0);
} else if (action === 'reject') {
  process.stderr.write('  rejected: ' + input() + '\\n');
  process.exit(3);
} else if (action === 'hang') {
  setInterval(() => {}, 1000);
} else if (action === 'garbage') {
  process.stdout.write('{"wifi": {"psk": "leaky-secret-1", oops');
} else if (action === 'huge') {
  process.stdout.write(JSON.stringify({ blob: 'x'.repeat(200_000) }));
} else if (action === 'list') {
  process.stdout.write('[1, 2]');
}
`;

function vendorDevice(tree: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-vendor-'));
  const script = join(dir, 'vendor.mjs');
  writeFileSync(script, VENDOR.replace('"DIR"', JSON.stringify(dir)));
  chmodSync(script, 0o755);
  writeFileSync(join(dir, 'db.json'), JSON.stringify(tree));
  const store = (read = 'show', write = 'set', extra: Partial<CommandStoreOptions> = {}) =>
    createCommandSettingsStore({
      readCommand: [script, read],
      writeCommand: [script, write],
      stateFile: join(dir, 'state.json'),
      filesRoot: join(dir, 'files'),
      ...extra,
    });
  return {
    dir,
    script,
    store,
    db: () => JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')) as Record<string, unknown>,
  };
}

describe('the command settings store', () => {
  it('reads the tree the vendor command prints and writes changes through its stdin', async () => {
    const d = vendorDevice({ ssh: { enabled: true, port: 22 }, system: { serial: 'SN-1' } });
    const store = d.store();
    assert.equal(store.watch, undefined, 'commands are polled');
    assert.deepEqual(await store.read(), { 'ssh.enabled': true, 'ssh.port': 22, 'system.serial': 'SN-1' });
    assert.deepEqual(await store.write({ 'ssh.port': 2222, 'ntp.servers': ['a', 'b'] }), {
      'ssh.port': null,
      'ntp.servers': null,
    });
    assert.deepEqual(d.db(), {
      ssh: { enabled: true, port: 2222 },
      system: { serial: 'SN-1' },
      ntp: { servers: ['a', 'b'] },
    });
    assert.deepEqual(await store.write({}), {});
  });

  it('reports the keys the command could not write, without the values written', async () => {
    const d = vendorDevice({ system: { serial: 'SN-1' } });
    const r = await d.store().write({ 'system.serial': 'SN-forged-secret', 'wifi.psk': 'n3w-passphrase' });
    assert.deepEqual(r, { 'system.serial': 'read-only: ***', 'wifi.psk': null });
    assert.equal((d.db().wifi as Record<string, unknown>).psk, 'n3w-passphrase');
  });

  it('fails every key with the stderr text when the command exits non-zero, secrets blanked', async () => {
    const d = vendorDevice({});
    const r = await d.store('show', 'reject').write({ 'wifi.psk': 'hunter2-secret', 'ssh.port': 22 });
    assert.deepEqual(Object.keys(r), ['wifi.psk', 'ssh.port']);
    assert.equal(r['wifi.psk'], r['ssh.port']);
    assert.match(r['wifi.psk']!, /^rejected: /);
    assert.ok(!JSON.stringify(r).includes('hunter2-secret'));
    assert.ok(r['wifi.psk']!.length <= 200);
  });

  it('gives up on a command that hangs, and on one that cannot start', async () => {
    const d = vendorDevice({});
    // A wrapper whose own child hangs: the whole process group goes.
    const wrapper = join(d.dir, 'wrapper.sh');
    writeFileSync(wrapper, '#!/bin/sh\nsleep 30\necho "{}"\n');
    chmodSync(wrapper, 0o755);
    const started = Date.now();
    const store = createCommandSettingsStore({
      readCommand: [wrapper],
      writeCommand: [d.script, 'hang'],
      stateFile: join(d.dir, 's.json'),
      filesRoot: d.dir,
      readTimeoutMs: 300,
      writeTimeoutMs: 300,
    });
    await assert.rejects(store.read(), { message: `settings read command ${wrapper} timed out after 0.3 s` });
    assert.deepEqual(await store.write({ 'wifi.psk': 'quiet-secret' }), {
      'wifi.psk': `settings write command ${d.script} timed out after 0.3 s`,
    });
    assert.ok(Date.now() - started < 5000, 'the hung commands were killed');
    const missing = createCommandSettingsStore({
      readCommand: [join(d.dir, 'nope')],
      writeCommand: [join(d.dir, 'nope')],
      stateFile: join(d.dir, 's.json'),
      filesRoot: d.dir,
    });
    await assert.rejects(missing.read(), /could not run \(ENOENT\)/);
    assert.match((await missing.write({ a: 1 })).a!, /could not run \(ENOENT\)/);
  });

  it('refuses garbage, a tree that is not an object, too much output and a failing read, quoting none of it', async () => {
    const d = vendorDevice({});
    await assert.rejects(
      d.store('garbage').read(),
      (err: Error) =>
        /did not print a JSON object \(\d+ bytes on stdout\)/.test(err.message) &&
        !err.message.includes('leaky-secret-1'),
    );
    await assert.rejects(d.store('list').read(), /did not print a JSON object/);
    await assert.rejects(d.store('huge', 'set', { maxOutputBytes: 65536 }).read(), /printed more than 65536 bytes/);
    writeFileSync(join(d.dir, 'broken'), '');
    await assert.rejects(d.store().read(), {
      message: `settings read command ${d.script} exited with 2: vendor daemon not running`,
    });
  });
});

describe('the settings feature over a vendor command', () => {
  it('applies a desired document through the command, polls for hand edits, and survives a broken read', async () => {
    const d = vendorDevice({ ssh: { enabled: true, port: 22 }, system: { serial: 'SN-1' } });
    const store = d.store();
    const h = harness();
    const f = createSettingsFeature({ store, checkIntervalMs: 1000, reportDelayMs: 5 });
    await f.start!(h.ctx);
    await f.onMessage!(
      'desired',
      doc(1, { 'ssh.port': 2222, 'system.serial': 'SN-2', 'wifi.psk': 'n3w-passphrase' }, { secrets: ['wifi.psk'] }),
      h.ctx,
    );
    assert.deepEqual(d.db(), {
      ssh: { enabled: true, port: 2222 },
      system: { serial: 'SN-1' },
      wifi: { psk: 'n3w-passphrase' },
    });
    const r = h.reports.at(-1)!;
    assert.deepEqual(r.results.map((x) => [x.key, x.status, x.error]).sort(), [
      ['ssh.port', 'applied', undefined],
      ['system.serial', 'failed', 'read-only: ***'],
      ['wifi.psk', 'applied', undefined],
    ]);
    assert.ok(!JSON.stringify(h.reports).includes('n3w-passphrase'));
    assert.equal(statSync(join(d.dir, 'state.json')).mode & 0o777, 0o600);

    // A technician changes the port with the vendor's own tool: the next poll sees it.
    writeFileSync(join(d.dir, 'db.json'), JSON.stringify({ ...d.db(), ssh: { enabled: true, port: 23 } }));
    await h.runUntil(() => h.events.some((e) => e.type === 'settings.managed_changed_locally'));
    await h.runUntil(() => h.reports.at(-1)!.localChanges.length === 1);
    assert.equal(h.reports.at(-1)!.settings['ssh.port'], 23);
    assert.deepEqual(
      h.reports.at(-1)!.localChanges.map((c) => [c.key, c.via]),
      [['ssh.port', 'direct']],
    );

    // The vendor tool breaks: one event, the document waits, and is applied once reads work again.
    writeFileSync(join(d.dir, 'broken'), '');
    await assert.rejects(async () => f.onMessage!('desired', doc(2, { 'ssh.port': 2200 }), h.ctx), /exited with 2/);
    const failedTasks = h.warnings.length;
    await h.runUntil(() => h.warnings.length > failedTasks + 1);
    assert.equal(
      h.events.filter((e) => e.type === 'settings.read_failed').length,
      1,
      'reported once, not at every poll',
    );
    assert.deepEqual(h.events.find((e) => e.type === 'settings.read_failed')!.data, {
      error: `settings read command ${d.script} exited with 2: vendor daemon not running`,
    });
    const reportsBefore = h.reports.length;
    rmSync(join(d.dir, 'broken'));
    await h.runUntil(() => h.reports.length > reportsBefore && h.reports.at(-1)!.desiredVersion === 2);
    assert.equal((d.db().ssh as Record<string, unknown>).port, 2200);
    assert.equal(h.events.filter((e) => e.type === 'settings.read_failed').length, 1);
    f.stop!();
  });
});
