import type { AlertEvalStats, AlertRule, NotifiedAlert } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { newId } from '../../platform/ids.js';
import type { DeviceSelector } from '../devices/index.js';
import type { HealthVerdict } from '../health/index.js';
import type { DeviceSnapshot, FleetSnapshotStore } from '../devices/index.js';
import { scopeFilter } from '../fleet/index.js';
import type { AlertDataStore } from './alert-data.store.js';
import type { AlertTimersStore, TimerState } from './alert-timers.store.js';
import type { AlertChanges, AlertsStore, OpenAlert } from './alerts.store.js';
import type { AnyRuleType, Observation, TrafficReader } from './rule-types/index.js';

export interface FlapDamping {
  /** This many firings of one rule on one device inside `windowMs` make the alert flapping. */
  fires: number;
  windowMs: number;
  /** A flapping alert resolves only after its reset condition held this long. */
  quietMs: number;
}

export const DEFAULT_FLAP: FlapDamping = { fires: 3, windowMs: 3_600_000, quietMs: 600_000 };
// A changing value of an open alert is written at most this often.
const VALUE_REFRESH_MS = 60_000;

export interface EngineDeps {
  store: AlertsStore;
  fleet: FleetSnapshotStore;
  selector: DeviceSelector;
  data: AlertDataStore;
  traffic: TrafficReader;
  healthOf(devices: DeviceSnapshot[]): Promise<Map<string, HealthVerdict>>;
  types: Map<string, AnyRuleType>;
  /** Channels that exist and are enabled; a rule's other channel ids are skipped. */
  enabledChannels(): Promise<Set<string>>;
  deviceUrl(id: string): string;
  clock: Clock;
  logger: Logger;
  flap?: FlapDamping;
  /** Where timers survive a restart; without it they live in memory only. */
  timers?: AlertTimersStore;
  /**
   * After a hub restart, `for` and `clearFor` durations go on from where they were if the hub was
   * down for at most this long; after a longer outage nothing was watched, so they start again.
   */
  outageToleranceMs?: number;
}

export const DEFAULT_OUTAGE_TOLERANCE_MS = 3_600_000;

type KeyState = TimerState;

type Ctx = { rule: AlertRule; t: number; channels: string[]; changes: AlertChanges };

/** Evaluates every enabled rule over its devices and turns observations into alert changes. */
export function createAlertEngine(d: EngineDeps) {
  const states = new Map<string, KeyState>();
  const flap = d.flap ?? DEFAULT_FLAP;
  // Keys whose timers changed, or went idle, since they were last written.
  const changed = new Set<string>();
  const dropped = new Set<string>();
  let restored: Promise<void> | null = null;
  let running: Promise<AlertEvalStats> | null = null;
  let last: AlertEvalStats | null = null;

  function decide(
    rule: AlertRule,
    obs: Observation,
    open: OpenAlert | undefined,
    st: KeyState,
    t: number,
  ): 'fire' | 'resolve' | null {
    if (obs.status === 'breach') {
      st.clearSince = undefined;
      if (open || st.manualHold) return null;
      st.breachSince ??= t;
      return t - st.breachSince >= rule.forS * 1000 ? 'fire' : null;
    }
    st.breachSince = undefined;
    if (obs.status === 'hold') {
      st.clearSince = undefined;
      return null;
    }
    st.manualHold = false;
    if (!open) return null;
    st.clearSince ??= t;
    const need = Math.max(rule.clearForS * 1000, open.flapping ? flap.quietMs : 0);
    return t - st.clearSince >= need ? 'resolve' : null;
  }

  function notified(
    c: Ctx,
    a: { id: string; deviceId: string; deviceName: string; since: string; severity: AlertRule['severity'] },
    event: NotifiedAlert['event'],
    value: unknown,
    text: string,
  ): NotifiedAlert {
    return {
      alertId: a.id,
      event,
      rule: { id: c.rule.id, name: c.rule.name, type: c.rule.type },
      severity: a.severity,
      device: { id: a.deviceId, name: a.deviceName, url: d.deviceUrl(a.deviceId) },
      since: a.since,
      at: new Date(c.t).toISOString(),
      value,
      text,
    };
  }

  function fire(c: Ctx, dev: DeviceSnapshot, obs: Extract<Observation, { status: 'breach' }>, st: KeyState) {
    st.fires = st.fires.filter((f) => c.t - f < flap.windowMs);
    st.fires.push(c.t);
    const flapping = st.fires.length >= flap.fires;
    const at = new Date(c.t).toISOString();
    const valueJson = JSON.stringify(obs.value ?? null);
    const row = {
      id: newId('alr'),
      rule_id: c.rule.id,
      rule_name: c.rule.name,
      rule_type: c.rule.type,
      device_id: dev.id,
      state: 'firing',
      severity: c.rule.severity,
      fired_at: at,
      value_json: valueJson,
      last_value_json: valueJson,
      last_value_at: at,
      text: obs.text,
      flapping: flapping ? 1 : 0,
      acked_by: null,
      acked_at: null,
      ack_note: null,
      resolved_at: null,
      resolved_by: null,
      resolve_note: null,
    };
    const text = flapping
      ? `flapping (${st.fires.length} times within ${Math.round(flap.windowMs / 60_000)} min): ${obs.text}`
      : obs.text;
    const payload = notified(
      c,
      { id: row.id, deviceId: dev.id, deviceName: dev.name, since: at, severity: c.rule.severity },
      flapping ? 'flapping' : 'fired',
      obs.value,
      text,
    );
    c.changes.fired.push({ row, intents: c.channels.map((channelId) => ({ channelId, payload })) });
  }

  function resolve(c: Ctx, open: OpenAlert, deviceName: string, value: unknown, note: string | null) {
    const valueJson = value === undefined ? null : JSON.stringify(value);
    const text = note ? `resolved (${note}): ${open.text}` : `resolved: ${open.text}`;
    const payload = notified(
      c,
      { id: open.id, deviceId: open.deviceId, deviceName, since: open.firedAt, severity: open.severity },
      'resolved',
      value ?? null,
      text,
    );
    c.changes.resolved.push({
      id: open.id,
      at: new Date(c.t).toISOString(),
      by: 'system',
      note,
      valueJson,
      intents: c.channels.map((channelId) => ({ channelId, payload })),
    });
  }

  function step(c: Ctx, dev: DeviceSnapshot, obs: Observation, open: OpenAlert | undefined) {
    const key = `${c.rule.id}|${dev.id}`;
    let st = states.get(key);
    if (!st) {
      if (obs.status !== 'breach' && !open) return;
      st = { fires: [] };
      states.set(key, st);
    }
    const was = { b: st.breachSince, c: st.clearSince, m: st.manualHold, f: st.fires.length };
    const action = decide(c.rule, obs, open, st, c.t);
    if (action === 'fire' && obs.status === 'breach') fire(c, dev, obs, st);
    else if (action === 'resolve' && open) resolve(c, open, dev.name, obs.value, null);
    else if (open && obs.value !== undefined) {
      const json = JSON.stringify(obs.value);
      if (json !== open.lastValueJson && c.t - Date.parse(open.lastValueAt) >= VALUE_REFRESH_MS)
        c.changes.values.push({ id: open.id, valueJson: json, at: new Date(c.t).toISOString() });
    }
    if (
      was.b !== st.breachSince ||
      was.c !== st.clearSince ||
      Boolean(was.m) !== Boolean(st.manualHold) ||
      was.f !== st.fires.length ||
      action === 'fire'
    )
      touch(key);
    if (!open && isIdle(st, c.t)) forget(key);
  }

  const isIdle = (st: KeyState, t: number) =>
    st.breachSince === undefined &&
    st.clearSince === undefined &&
    !st.manualHold &&
    st.fires.every((f) => t - f >= flap.windowMs);
  function touch(key: string) {
    changed.add(key);
    dropped.delete(key);
  }
  function forget(key: string) {
    states.delete(key);
    changed.delete(key);
    dropped.add(key);
  }

  /** Once per process: timers as the last run left them, unless the hub was down too long to trust them. */
  async function restore(t: number) {
    if (!d.timers) return;
    const { lastRunAt, states: saved } = await d.timers.load();
    const downMs = lastRunAt === null ? Infinity : t - lastRunAt;
    const keep = downMs <= (d.outageToleranceMs ?? DEFAULT_OUTAGE_TOLERANCE_MS);
    for (const [key, st] of saved) {
      if (states.has(key)) continue;
      if (!keep && (st.breachSince !== undefined || st.clearSince !== undefined)) {
        st.breachSince = undefined;
        st.clearSince = undefined;
        touch(key);
      }
      states.set(key, st);
    }
    if (saved.size)
      d.logger.info(
        { timers: saved.size, downS: Number.isFinite(downMs) ? Math.round(downMs / 1000) : null, kept: keep },
        keep ? 'alert timers restored' : 'alert timers restarted after a long outage',
      );
  }

  async function persist(t: number) {
    if (!d.timers) return;
    const rows = [...changed].flatMap((k): Array<[string, KeyState]> => {
      const st = states.get(k);
      return st ? [[k, { ...st, fires: [...st.fires] }]] : [];
    });
    const gone = [...dropped];
    changed.clear();
    dropped.clear();
    try {
      await d.timers.save(t, rows, gone);
    } catch (err) {
      // Not written this time: try again with the next run rather than lose them.
      for (const [k] of rows) if (!dropped.has(k)) changed.add(k);
      for (const k of gone) if (!states.has(k)) dropped.add(k);
      d.logger.warn({ err }, 'alert timers could not be saved');
    }
  }

  async function evaluateRule(c: Ctx, type: AnyRuleType, devices: DeviceSnapshot[], open: Map<string, OpenAlert>) {
    const params = type.parse(c.rule.params);
    const loaded = type.load
      ? await type.load({ now: c.t, devices, data: d.data, traffic: d.traffic, healthOf: d.healthOf }, params)
      : undefined;
    const inScope = new Set<string>();
    for (const dev of devices) {
      inScope.add(dev.id);
      step(c, dev, type.evaluate(dev, params, loaded, c.t), open.get(`${c.rule.id}|${dev.id}`));
    }
    for (const a of open.values()) {
      if (a.ruleId === c.rule.id && !inScope.has(a.deviceId))
        resolve(c, a, a.deviceId, undefined, 'device left the rule scope');
    }
    return devices.length;
  }

  async function run(): Promise<AlertEvalStats> {
    const started = performance.now();
    const t = d.clock.now().getTime();
    await (restored ??= restore(t));
    const [rules, openList, enabled] = await Promise.all([
      d.store.listRules(),
      d.store.openAlerts(),
      d.enabledChannels(),
    ]);
    const open = new Map(openList.map((a) => [`${a.ruleId}|${a.deviceId}`, a]));
    const changes: AlertChanges = { fired: [], resolved: [], values: [] };
    const scopes = new Map<string, DeviceSnapshot[]>();
    const stats = { rules: 0, evaluations: 0, devices: new Set<string>(), perRuleMs: {} as Record<string, number> };
    const live = new Set<string>();
    for (const rule of rules.filter((r) => r.enabled)) {
      const type = d.types.get(rule.type);
      if (!type) continue;
      live.add(rule.id);
      const c: Ctx = { rule, t, channels: rule.channels.filter((id) => enabled.has(id)), changes };
      const t0 = performance.now();
      try {
        const key = scopeFilter(rule.scope) ?? '';
        let devices = scopes.get(key);
        if (!devices) scopes.set(key, (devices = await d.fleet.devices(await d.selector.where(key || null))));
        for (const dev of devices) stats.devices.add(dev.id);
        stats.evaluations += await evaluateRule(c, type, devices, open);
        stats.rules++;
      } catch (err) {
        // A rule whose group was deleted, say: skip it, keep its alerts, say so once per run.
        d.logger.warn({ err, rule: rule.name }, 'alert rule could not be evaluated');
      }
      stats.perRuleMs[rule.name] = Math.round((performance.now() - t0) * 10) / 10;
    }
    resolveOrphans(open, live, rules, t, changes);
    prune(t, live);
    const applied = await d.store.apply(changes);
    await persist(t);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    last = {
      at: new Date(t).toISOString(),
      ms,
      rules: stats.rules,
      devices: stats.devices.size,
      evaluations: stats.evaluations,
      fired: applied.fired.length,
      resolved: applied.resolved.length,
      open: open.size + applied.fired.length - applied.resolved.length,
      perRuleMs: stats.perRuleMs,
    };
    if (applied.fired.length || applied.resolved.length)
      d.logger.info({ fired: applied.fired.length, resolved: applied.resolved.length, ms }, 'alerts changed');
    return last;
  }

  // Timers of rules no longer evaluated (deleted, disabled) and idle ones go.
  function prune(t: number, live: Set<string>) {
    for (const [key, st] of states) {
      if (!live.has(key.slice(0, key.indexOf('|'))) || isIdle(st, t)) forget(key);
    }
  }

  // Alerts of rules that were disabled or deleted resolve: nobody watches that condition any more.
  function resolveOrphans(
    open: Map<string, OpenAlert>,
    live: Set<string>,
    rules: AlertRule[],
    t: number,
    changes: AlertChanges,
  ) {
    const known = new Map(rules.map((r) => [r.id, r]));
    for (const a of open.values()) {
      if (live.has(a.ruleId)) continue;
      const rule = known.get(a.ruleId);
      if (rule && rule.enabled) continue; // its type is not loaded: leave it alone
      const stub: AlertRule = rule ?? {
        id: a.ruleId,
        name: a.ruleId,
        type: 'deleted',
        severity: a.severity,
        scope: {},
        params: {},
        forS: 0,
        clearForS: 0,
        channels: [],
        enabled: false,
        createdBy: '',
        createdAt: '',
        updatedAt: '',
      };
      resolve(
        { rule: stub, t, channels: [], changes },
        a,
        a.deviceId,
        undefined,
        rule ? 'rule disabled' : 'rule deleted',
      );
    }
  }

  return {
    /** Runs one evaluation now (or joins the one running). */
    evaluate(): Promise<AlertEvalStats> {
      running ??= run().finally(() => (running = null));
      return running;
    },
    lastRun: () => last,
    /** A person resolved the alert: do not fire it again until the condition has cleared once. */
    noteManualResolve(ruleId: string, deviceId: string) {
      const key = `${ruleId}|${deviceId}`;
      const st = states.get(key) ?? { fires: [] };
      st.manualHold = true;
      st.breachSince = undefined;
      states.set(key, st);
      touch(key);
    },
    trackedKeys: () => states.size,
  };
}

export type AlertEngine = ReturnType<typeof createAlertEngine>;
