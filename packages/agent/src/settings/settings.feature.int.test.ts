import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSettingsFeature } from './settings.feature.js';
import { createMemorySettingsStore } from './memory.settings-store.js';
import { createJsonFileSettingsStore } from './json-file.settings-store.js';
import { digestOf } from './settings.store.js';
import { DIGEST_KEY as KEY, desiredDoc as doc, settingsHarness as harness } from './settings.fixture.js';

describe('the settings feature', () => {
  it('applies each version once, reports per-key results and secrets only as digests', async () => {
    const h = harness();
    const store = createMemorySettingsStore({ 'ssh.enabled': true, 'ntp.servers': ['a'], 'wifi.psk': 'old' });
    const f = createSettingsFeature({ store, checkIntervalMs: 60_000 });
    await f.start!(h.ctx);
    await f.onMessage!(
      'desired',
      doc(3, { 'ssh.enabled': false, 'ntp.servers': ['a'], 'wifi.psk': 'n3w' }, { secrets: ['wifi.psk'] }),
      h.ctx,
    );
    assert.deepEqual(await store.read(), { 'ssh.enabled': false, 'ntp.servers': ['a'], 'wifi.psk': 'n3w' });
    const r = h.reports.at(-1)!;
    assert.equal(r.desiredVersion, 3);
    assert.deepEqual(r.results.map((x) => [x.key, x.status]).sort(), [
      ['ntp.servers', 'unchanged'],
      ['ssh.enabled', 'applied'],
      ['wifi.psk', 'applied'],
    ]);
    assert.deepEqual(r.settings['wifi.psk'], { $digest: digestOf(KEY, 'n3w') });
    assert.ok(!JSON.stringify(h.reports).includes('n3w'));
    // The same version again (retained copy, or the hub's send on reconnect) applies nothing.
    await f.onMessage!(
      'desired',
      doc(3, { 'ssh.enabled': false, 'ntp.servers': ['a'], 'wifi.psk': 'n3w' }, { secrets: ['wifi.psk'] }),
      h.ctx,
    );
    // An older one never wins.
    await f.onMessage!('desired', doc(2, { 'ssh.enabled': true }), h.ctx);
    assert.deepEqual(Object.fromEntries(store.writes), { 'ssh.enabled': 1, 'wifi.psk': 1 });
    await f.onMessage!('desired', Buffer.from('{"v":1,"version":"x"}'), h.ctx);
    assert.equal(h.events.at(-1)?.type, 'settings.desired_rejected');
    f.stop!();
  });

  it('leaves report-policy drift alone until the value changes or an operator asks to reconverge', async () => {
    const h = harness();
    const store = createMemorySettingsStore({ 'snmp.enabled': false });
    const f = createSettingsFeature({ store, reportDelayMs: 5 });
    await f.start!(h.ctx);
    await f.onMessage!('desired', doc(1, { 'snmp.enabled': false }, { observe: ['snmp.enabled'] }), h.ctx);
    store.tamper({ 'snmp.enabled': true }, 'tech-ida');
    await h.advance(10);
    const r = h.reports.at(-1)!;
    assert.equal(r.settings['snmp.enabled'], true);
    assert.deepEqual(
      r.localChanges.map((c) => [c.key, c.users, c.via]),
      [['snmp.enabled', ['tech-ida'], 'direct']],
    );
    await f.onMessage!('desired', doc(2, { 'snmp.enabled': false }, { observe: ['snmp.enabled'] }), h.ctx);
    assert.equal((await store.read())['snmp.enabled'], true, 'observe keys are not reverted');
    assert.equal(h.reports.at(-1)!.results[0].status, 'skipped');
    await f.onMessage!(
      'desired',
      doc(3, { 'snmp.enabled': false }, { observe: ['snmp.enabled'], reconverge: true }),
      h.ctx,
    );
    assert.equal((await store.read())['snmp.enabled'], false);
    assert.deepEqual(h.reports.at(-1)!.localChanges, [], 'a key put back is no longer a local change');
    f.stop!();
  });

  it('refuses local changes to managed keys outside maintenance, allows them inside, and reconverges when the window ends', async () => {
    const h = harness();
    const store = createMemorySettingsStore({ 'ssh.enabled': false, 'web.enabled': true });
    const f = createSettingsFeature({ store, reportDelayMs: 5 });
    await f.start!(h.ctx);
    await f.onMessage!('desired', doc(1, { 'ssh.enabled': false }), h.ctx);
    assert.deepEqual(await f.requestLocalChange('ssh.enabled', true, 'tech-li'), { ok: false, reason: 'managed' });
    assert.deepEqual(h.events.at(-1), {
      type: 'settings.local_change_refused',
      data: { key: 'ssh.enabled', user: 'tech-li', reason: 'managed by the hub; ask for a maintenance window' },
    });
    assert.deepEqual(
      await f.requestLocalChange('web.enabled', false, 'tech-li'),
      { ok: true },
      'unmanaged keys are free',
    );
    await f.onMessage!('desired', doc(2, { 'ssh.enabled': false }, { maintenanceUntil: h.now() + 60_000 }), h.ctx);
    assert.deepEqual(await f.requestLocalChange('ssh.enabled', true, 'tech-li'), { ok: true });
    await f.onMessage!(
      'desired',
      doc(3, { 'ssh.enabled': false, 'ssh.port': 2200 }, { maintenanceUntil: h.now() + 60_000 }),
      h.ctx,
    );
    assert.equal((await store.read())['ssh.port'], undefined, 'nothing is applied during maintenance');
    assert.equal(h.reports.at(-1)!.desiredVersion, 3);
    await h.advance(61_000);
    assert.deepEqual(await store.read(), { 'ssh.enabled': false, 'web.enabled': false, 'ssh.port': 2200 });
    assert.ok(h.events.some((e) => e.type === 'settings.maintenance_ended'));
    f.stop!();
  });

  it('keeps settings in a JSON file, sees edits made by hand, and keeps its state private', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-settings-'));
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ ssh: { enabled: true, port: 22 }, note: { deep: { x: [1, { no: 1 }] } } }));
    const store = createJsonFileSettingsStore({
      file,
      stateFile: join(dir, 'state.json'),
      filesRoot: join(dir, 'files'),
    });
    assert.deepEqual(await store.read(), { 'ssh.enabled': true, 'ssh.port': 22 });
    const h = harness();
    const f = createSettingsFeature({ store, checkIntervalMs: 1000, reportDelayMs: 5 });
    await f.start!(h.ctx);
    await f.onMessage!(
      'desired',
      doc(
        1,
        { 'ssh.port': 2222, 'fw.wan.open_ports': [443] },
        {
          files: [
            { path: '/etc/motd', sha256: 'a'.repeat(64), mode: 0o600, content: Buffer.from('hi').toString('base64') },
          ],
        },
      ),
      h.ctx,
    );
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).fw, { wan: { open_ports: [443] } });
    assert.equal(readFileSync(join(dir, 'files/etc/motd'), 'utf8'), 'hi');
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    await assert.rejects(store.writeFile('/../../escape', Buffer.from('x'), 0o644), /leaves/);
    const tree = JSON.parse(readFileSync(file, 'utf8'));
    tree.ssh.port = 23;
    writeFileSync(file, JSON.stringify(tree));
    await h.advance(1000);
    await h.advance(10);
    await h.advance(10);
    const r = h.reports.at(-1)!;
    assert.equal(r.settings['ssh.port'], 23);
    assert.deepEqual(
      r.localChanges.map((c) => [c.key, c.via]),
      [['ssh.port', 'direct']],
    );
    assert.ok(h.events.some((e) => e.type === 'settings.managed_changed_locally'));
    f.stop!();
  });
});
