import {
  DesiredMessage,
  compileValidator,
  type ApplyResult,
  type LocalChange,
  type ReportedMessage,
  type SettingValue,
} from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { emptyState, sameValue, type Settings, type SettingsState, type SettingsStore } from './settings.store.js';
import { buildReport } from './settings.report.js';
import { driftCommand } from './settings.drift.js';

const validateDesired = compileValidator(DesiredMessage);
const MAX_LOCAL_CHANGES = 200;

export interface SettingsFeatureOptions {
  store: SettingsStore;
  /** How often to look for changes made behind the agent's back (stores that cannot watch). */
  checkIntervalMs?: number;
  /** Coalesces bursts of local changes into one report. */
  reportDelayMs?: number;
  /** Adds the `sim-drift` command, which lets a simulated technician change settings. */
  simulator?: { random: () => number };
}

export interface SettingsFeature extends AgentFeature {
  /** A local change through the agent (a local UI or CLI): refused for managed keys outside maintenance. */
  requestLocalChange(key: string, value: SettingValue, user: string): Promise<{ ok: boolean; reason?: string }>;
  state(): SettingsState;
  /** Valid desired documents handled so far: applied, found already applied, held for maintenance or stale. */
  documentsHandled(): number;
  store: SettingsStore;
}

/**
 * Reconciles the retained `desired` document: applies what differs (once per version), reports
 * every key's value and result on `reported`, notices local changes and locks managed keys
 * unless a maintenance window is open, after which it puts them back.
 */
export function createSettingsFeature(o: SettingsFeatureOptions): SettingsFeature {
  const { store } = o;
  let ctx: FeatureContext | null = null;
  let state: SettingsState = emptyState();
  let chain: Promise<unknown> = Promise.resolve();
  const timers: Array<{ cancel(): void } | null> = [null, null, null]; // check, report, maintenance end
  let unwatch: (() => void) | null = null;
  let stopped = false;
  // A document that could not be applied because the store could not be read; the next check retries it.
  let pending: { doc: DesiredMessage; prev: DesiredMessage | null; reconverge: boolean } | null = null;
  let readFailing = false;
  let handled = 0;

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn, fn);
    chain = next.catch((err: unknown) => ctx?.logger.warn('settings task failed', { error: String(err) }));
    return next;
  }

  const now = () => ctx?.clock.now() ?? Date.now();
  const inMaintenance = (doc: DesiredMessage | null) => !!doc?.maintenanceUntil && doc.maintenanceUntil > now();

  function later(slot: number, fn: () => void, ms: number) {
    timers[slot]?.cancel();
    timers[slot] = ctx ? ctx.clock.setTimeout(fn, Math.max(0, ms)) : null;
  }

  function scheduleReport(ms = o.reportDelayMs ?? 100) {
    if (timers[1] && ms > 0) return;
    later(
      1,
      () => {
        timers[1] = null;
        void serial(report);
      },
      ms,
    );
  }

  async function report() {
    if (!ctx || stopped || !ctx.online()) return;
    const msg: ReportedMessage = await buildReport(store, state, now());
    await ctx.publish('reported', msg, 1).catch(() => undefined);
  }

  async function save() {
    await store.saveState(state);
  }

  /** Reads the store; the first failure in a row is reported as an event (a vendor command may hang or break). */
  async function readStore(): Promise<Settings> {
    try {
      const cur = await store.read();
      readFailing = false;
      return cur;
    } catch (err) {
      if (!readFailing)
        await ctx?.emit('settings.read_failed', 'warning', {
          error: String((err as Error).message ?? err).slice(0, 256),
        });
      readFailing = true;
      throw err;
    }
  }

  async function applyOrRetryLater(doc: DesiredMessage, prev: DesiredMessage | null, reconverge: boolean) {
    pending = null;
    try {
      await apply(doc, prev, reconverge);
    } catch (err) {
      pending = { doc, prev, reconverge };
      throw err;
    }
  }

  function noteLocal(keys: string[], users: string[], via: LocalChange['via']) {
    const at = now();
    state.localChanges = [
      ...state.localChanges.filter((c) => !keys.includes(c.key)),
      ...keys.map((key) => ({ key, at, users: users.slice(0, 8), via })),
    ].slice(-MAX_LOCAL_CHANGES);
  }

  /** Applies the keys that differ. `observe` keys are left alone unless their desired value changed or a reconverge was asked. */
  async function apply(doc: DesiredMessage, prev: DesiredMessage | null, reconverge: boolean) {
    const cur = await readStore();
    const observe = new Set(doc.observe);
    const results: ApplyResult[] = [];
    const changes: Settings = {};
    const keep = (key: string, was: unknown, want: unknown) =>
      observe.has(key) && !reconverge && prev !== null && was !== undefined && sameValue(was, want);
    for (const [key, want] of Object.entries(doc.settings)) {
      if (sameValue(cur[key], want)) results.push({ key, status: 'unchanged' });
      else if (keep(key, prev?.settings[key], want)) results.push({ key, status: 'skipped' });
      else changes[key] = want;
    }
    const errors = Object.keys(changes).length ? await store.write(changes) : {};
    for (const key of Object.keys(changes))
      results.push(
        errors[key] ? { key, status: 'failed', error: errors[key]!.slice(0, 256) } : { key, status: 'applied' },
      );
    for (const f of doc.files) {
      const key = `file:${f.path}`;
      const has = await store.readFile(f.path);
      if (has.sha256 === f.sha256 && has.mode === f.mode) results.push({ key, status: 'unchanged' });
      else if (keep(key, prev?.files.find((x) => x.path === f.path)?.sha256, f.sha256))
        results.push({ key, status: 'skipped' });
      else {
        try {
          await store.writeFile(f.path, Buffer.from(f.content, 'base64'), f.mode);
          results.push({ key, status: 'applied' });
        } catch (err) {
          results.push({ key, status: 'failed', error: String((err as Error).message ?? err).slice(0, 256) });
        }
      }
    }
    const applied = new Set(results.filter((r) => r.status === 'applied').map((r) => r.key));
    state.localChanges = state.localChanges.filter((c) => !applied.has(c.key));
    state.results = results;
    state.appliedVersion = doc.version;
    state.baseline = await store.read();
    await save();
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length)
      await ctx?.emit('settings.apply_failed', 'warning', {
        version: doc.version,
        keys: failed.slice(0, 20).map((r) => r.key),
      });
  }

  async function onDesired(doc: DesiredMessage) {
    const prev = state.desired;
    // An older document (a stale retained copy) never wins over a newer one.
    if (prev && doc.version < prev.version) return report();
    if (prev && doc.version === prev.version && state.appliedVersion >= doc.version) return report();
    state.desired = doc;
    pending = null;
    armMaintenanceEnd(doc);
    if (inMaintenance(doc)) {
      // Received, not applied: a technician is at work. Everything is put back when the window closes.
      state.appliedVersion = doc.version;
      await save();
      return report();
    }
    // The window was closed (early or on time): everything managed goes back to the desired values.
    const endedMaintenance = !!prev?.maintenanceUntil;
    await applyOrRetryLater(doc, prev, !!doc.reconverge || endedMaintenance);
    await report();
  }

  function armMaintenanceEnd(doc: DesiredMessage) {
    if (!inMaintenance(doc)) {
      timers[2]?.cancel();
      timers[2] = null;
      return;
    }
    later(
      2,
      () =>
        void serial(async () => {
          if (!state.desired || inMaintenance(state.desired)) return;
          await ctx?.emit('settings.maintenance_ended', 'info', { version: state.desired.version });
          await applyOrRetryLater(state.desired, state.desired, true);
          await report();
        }),
      doc.maintenanceUntil! - now() + 5,
    );
  }

  /** Looks for changes made behind the agent's back and reports them with who was logged in; applies a document a failed read held back. */
  async function check() {
    const cur = await readStore();
    const base = state.baseline ?? cur;
    const changed = [...new Set([...Object.keys(cur), ...Object.keys(base)])].filter(
      (k) => !sameValue(cur[k], base[k]),
    );
    state.baseline = cur;
    if (changed.length) {
      const users = await store.loggedInUsers();
      noteLocal(changed, users, 'direct');
      const managed = changed.filter((k) => state.desired && k in state.desired.settings);
      if (managed.length && !inMaintenance(state.desired)) {
        await ctx?.emit('settings.managed_changed_locally', 'warning', { keys: managed.slice(0, 50), users });
      }
      await save();
      scheduleReport();
    }
    if (pending && pending.doc === state.desired && !inMaintenance(pending.doc)) {
      await applyOrRetryLater(pending.doc, pending.prev, pending.reconverge);
      await report();
    }
  }

  // A failed check is logged by `serial` and tried again at the next interval.
  const checkNow = () => serial(check).catch(() => undefined);

  function loopCheck() {
    later(0, () => void checkNow().finally(() => !stopped && loopCheck()), o.checkIntervalMs ?? 30_000);
  }

  async function requestLocalChange(key: string, value: SettingValue, user: string) {
    return serial(async () => {
      const managed = !!state.desired && key in state.desired.settings;
      if (managed && !inMaintenance(state.desired)) {
        await ctx?.emit('settings.local_change_refused', 'warning', {
          key,
          user: user.slice(0, 64),
          reason: 'managed by the hub; ask for a maintenance window',
        });
        return { ok: false, reason: 'managed' };
      }
      const err = (await store.write({ [key]: value }))[key];
      if (err) return { ok: false, reason: err };
      noteLocal([key], [user], 'agent');
      state.baseline = { ...(state.baseline ?? {}), [key]: value };
      await save();
      scheduleReport();
      return { ok: true };
    });
  }

  const feature: SettingsFeature = {
    name: 'settings',
    store,
    subscriptions: ['desired'],
    state: () => state,
    documentsHandled: () => handled,
    requestLocalChange,
    commands: o.simulator
      ? {
          'sim-drift': (args) =>
            driftCommand(args, { state: () => state, store, random: o.simulator!.random, requestLocalChange }),
        }
      : undefined,
    async start(c) {
      ctx = c;
      stopped = false;
      await serial(async () => {
        state = { ...emptyState(), ...((await store.loadState()) ?? {}) };
        if (state.desired) armMaintenanceEnd(state.desired);
        // Unreadable now (a vendor command failing at boot): the first check that can read takes the baseline.
        state.baseline ??= await readStore().catch(() => null);
      });
      unwatch = store.watch?.(() => void checkNow()) ?? null;
      loopCheck();
    },
    onConnected() {
      scheduleReport(0);
    },
    async onMessage(suffix, payload) {
      if (suffix !== 'desired') return;
      const m = validateDesired.parse(payload);
      if (!m.ok) {
        await ctx?.emit('settings.desired_rejected', 'warning', { code: m.code, message: m.message.slice(0, 200) });
        return;
      }
      await serial(() => onDesired(m.value).finally(() => handled++));
    },
    stop() {
      stopped = true;
      for (const t of timers) t?.cancel();
      timers.fill(null);
      unwatch?.();
      unwatch = null;
    },
  };
  return feature;
}
