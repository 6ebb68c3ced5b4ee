import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredMessage } from '@outpost/protocol';
import { sha256Hex, type Settings, type SettingsState, type SettingsStore } from './settings.store.js';

export interface SettingsStoreSubject {
  store: SettingsStore;
  /** Someone on the device changes settings behind the agent's back. */
  changeOutside(changes: Settings): Promise<void>;
  close(): Promise<void>;
}

export interface SettingsStoreImplementation {
  name: string;
  /** A device whose settings are this tree, with no files and no saved agent state. */
  open(tree: Record<string, unknown>): Promise<SettingsStoreSubject>;
}

const DEVICE = {
  net: { ntp: { server: 'pool.ntp.org', interval: 64 } },
  log: { level: 'info', targets: ['syslog', 'file'] },
  enabled: true,
};
const FLAT = {
  'net.ntp.server': 'pool.ntp.org',
  'net.ntp.interval': 64,
  'log.level': 'info',
  'log.targets': ['syslog', 'file'],
  enabled: true,
};

const state = (over: Partial<SettingsState> = {}): SettingsState => ({
  desired: null,
  appliedVersion: 7,
  results: [
    { key: 'net.ntp.server', status: 'applied' },
    { key: 'log.level', status: 'failed', error: 'read-only' },
  ],
  baseline: { 'net.ntp.server': 'time.example', 'log.targets': ['a'] },
  localChanges: [{ key: 'log.level', at: 1_700_000_000_000, users: ['tech'], via: 'direct' }],
  ...over,
});

async function waitFor(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
}

/** What every SettingsStore promises: flat dotted keys over the device's settings, files, the agent's state. */
export function settingsStoreContract(impl: SettingsStoreImplementation): void {
  describe(`SettingsStore contract (${impl.name})`, () => {
    const subjects: SettingsStoreSubject[] = [];
    const open = async (tree: Record<string, unknown> = DEVICE) => {
      const s = await impl.open(tree);
      subjects.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of subjects.splice(0)) await s.close();
    });

    it("reads the device's settings as flat dotted keys, lists and scalars intact", async () => {
      const { store } = await open();
      assert.deepEqual(await store.read(), FLAT);
      const empty = await open({});
      assert.deepEqual(await empty.store.read(), {});
    });

    it('writes keys, new and nested ones included, reporting no error, and keeps the others', async () => {
      const { store } = await open();
      const result = await store.write({
        'net.ntp.server': 'time.example',
        'net.dns.servers': ['10.0.0.1', '10.0.0.2'],
        'log.level': 'debug',
        'new.flag': false,
      });
      assert.deepEqual(result, {
        'net.ntp.server': null,
        'net.dns.servers': null,
        'log.level': null,
        'new.flag': null,
      });
      assert.deepEqual(await store.read(), {
        ...FLAT,
        'net.ntp.server': 'time.example',
        'net.dns.servers': ['10.0.0.1', '10.0.0.2'],
        'log.level': 'debug',
        'new.flag': false,
      });
    });

    it('writes nothing for no changes', async () => {
      const { store } = await open();
      assert.deepEqual(await store.write({}), {});
      assert.deepEqual(await store.read(), FLAT);
    });

    it('hands out copies: changing what read returned changes nothing stored', async () => {
      const { store } = await open();
      const values = await store.read();
      values['log.level'] = 'changed';
      (values['log.targets'] as string[]).push('x');
      assert.deepEqual(await store.read(), FLAT);
    });

    it('sees a change made outside the agent, and tells a watcher when it can', async () => {
      const subject = await open();
      let calls = 0;
      const stop = subject.store.watch?.(() => void calls++);
      await subject.changeOutside({ 'log.level': 'trace' });
      assert.equal((await subject.store.read())['log.level'], 'trace');
      if (stop) {
        assert.ok(await waitFor(() => calls > 0), 'the watcher was told');
        stop();
        await new Promise((r) => setTimeout(r, 150));
        const before = calls;
        await subject.changeOutside({ 'log.level': 'warn' });
        await new Promise((r) => setTimeout(r, 150));
        assert.equal(calls, before, 'a stopped watcher is not told');
      }
    });

    it('reports a missing file as no hash and no mode', async () => {
      const { store } = await open();
      assert.deepEqual(await store.readFile('/etc/chrony/chrony.conf'), { sha256: null, mode: null });
    });

    it('writes files with their mode and reads back their hash, replacing them on a second write', async () => {
      const { store } = await open();
      const first = Buffer.from('server pool.ntp.org iburst\n');
      await store.writeFile('/etc/chrony/chrony.conf', first, 0o640);
      assert.deepEqual(await store.readFile('/etc/chrony/chrony.conf'), { sha256: sha256Hex(first), mode: 0o640 });
      const second = Buffer.from([0, 255, 1, 254]);
      await store.writeFile('/etc/chrony/chrony.conf', second, 0o600);
      assert.deepEqual(await store.readFile('/etc/chrony/chrony.conf'), { sha256: sha256Hex(second), mode: 0o600 });
      await store.writeFile('/etc/empty', Buffer.alloc(0), 0o644);
      assert.deepEqual(await store.readFile('/etc/empty'), { sha256: sha256Hex(Buffer.alloc(0)), mode: 0o644 });
    });

    it('has no saved state at first, then keeps the last one saved', async () => {
      const { store } = await open();
      assert.equal(await store.loadState(), null);
      await store.saveState(state());
      assert.deepEqual(await store.loadState(), state());
      const desired: DesiredMessage = JSON.parse(
        JSON.stringify({
          v: 1,
          version: 8,
          settings: { 'log.level': 'debug' },
          secrets: [],
          observe: [],
          files: [],
          digestKey: 'AAAA',
          maintenanceUntil: null,
        }),
      ) as DesiredMessage;
      await store.saveState(state({ desired, appliedVersion: 8, results: [], localChanges: [] }));
      assert.deepEqual(await store.loadState(), state({ desired, appliedVersion: 8, results: [], localChanges: [] }));
    });
  });
}

/** Who is logged in: the one method a real device answers by asking the system (`who`). */
export function settingsStoreUsersContract(impl: SettingsStoreImplementation): void {
  describe(`SettingsStore contract: logged-in users (${impl.name})`, () => {
    it('lists distinct, non-empty user names of at most 64 characters', async () => {
      const subject = await impl.open({});
      try {
        const users = await subject.store.loggedInUsers();
        assert.ok(Array.isArray(users));
        assert.equal(new Set(users).size, users.length);
        for (const u of users) assert.ok(typeof u === 'string' && u.length > 0 && u.length <= 64, `user ${u}`);
      } finally {
        await subject.close();
      }
    });
  });
}
