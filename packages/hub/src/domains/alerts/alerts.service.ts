import {
  ErrorCode,
  type Alert,
  type AlertBulkResult,
  type AlertRule,
  type AlertRuleInput,
  type AlertSeverity,
  type AlertState,
  type NotifiedAlert,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, HubError, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceScope, DeviceSelector, DeviceWhere } from '../devices/index.js';
import { alertScopeInside, checkScope, claimAlertScope } from '../fleet/index.js';
import type { ScopeGroups } from '../../platform/scope-reach.js';
import type { AlertEngine } from './alert-engine.js';
import { hourlyTimeline } from './alert-timeline.js';
import type { AlertRow, AlertsStore } from './alerts.store.js';
import type { AnyRuleType } from './rule-types/index.js';
import type {
  AlertEvalStats,
  AlertHistoryEntry,
  AlertRuleTypeInfo,
  AlertsSummary,
  AlertTimelineBucket,
} from '@outpost/protocol';

const MAX_DURATION_S = 30 * 86_400;
const SEVERITIES: AlertSeverity[] = ['info', 'warning', 'critical'];

export interface AlertsServiceDeps {
  store: AlertsStore;
  engine: AlertEngine;
  types: Map<string, AnyRuleType>;
  selector: DeviceSelector;
  /** Of these channel ids, the ones that do not exist. */
  missingChannels(ids: string[]): Promise<string[]>;
  audit: AuditLog;
  clock: Clock;
  deviceUrl(id: string): string;
}

/** An alert with the history of its state changes, as one alert's routes answer it. */
export type AlertWithHistory = Alert & { history: AlertHistoryEntry[] };

export interface AlertsService {
  createRule: (actor: Actor, caller: ScopeGroups, input: AlertRuleInput) => Promise<AlertRule>;
  updateRule: (actor: Actor, caller: ScopeGroups, id: string, patch: Partial<AlertRuleInput>) => Promise<AlertRule>;
  deleteRule: (actor: Actor, caller: ScopeGroups, id: string) => Promise<void>;
  getRule: (caller: ScopeGroups, id: string) => Promise<AlertRule>;
  listRules: (caller: ScopeGroups) => Promise<AlertRule[]>;
  ruleTypes: () => AlertRuleTypeInfo[];
  /** Lets a later domain (drift, rollouts) add its rule type without editing this one. */
  registerType(t: AnyRuleType): void;
  list: (
    scope: DeviceScope,
    q: {
      state?: string;
      deviceId?: string;
      ruleId?: string;
      severity?: AlertSeverity;
      limit?: number;
      cursor?: string;
    },
  ) => Promise<{
    items: Alert[];
    nextCursor: string | null;
  }>;
  get: (scope: DeviceScope, id: string) => Promise<AlertWithHistory>;
  acknowledge: (actor: Actor, scope: DeviceScope, id: string, note: string | null) => Promise<AlertWithHistory>;
  resolve: (actor: Actor, scope: DeviceScope, id: string, note: string | null) => Promise<AlertWithHistory>;
  acknowledgeMany: (actor: Actor, scope: DeviceScope, ids: string[], note: string | null) => Promise<AlertBulkResult>;
  resolveMany: (actor: Actor, scope: DeviceScope, ids: string[], note: string | null) => Promise<AlertBulkResult>;
  timeline: (
    within: DeviceWhere | null,
    hours: number,
  ) => Promise<{
    items: AlertTimelineBucket[];
  }>;
  summary: (within?: DeviceWhere | null) => Promise<AlertsSummary>;
  evaluate: () => Promise<AlertEvalStats>;
}

function encodeCursor(a: { fired_at: string; id: string }) {
  return Buffer.from(JSON.stringify({ f: a.fired_at, i: a.id })).toString('base64url');
}

function decodeCursor(s: string): { firedAt: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { f: unknown; i: unknown };
    if (typeof c.f === 'string' && typeof c.i === 'string') return { firedAt: c.f, id: c.i };
  } catch {
    // fall through
  }
  throw new HubError(ErrorCode.CursorInvalid, 'the cursor is not one this hub issued');
}

export function createAlertsService(d: AlertsServiceDeps): AlertsService {
  function toAlert(r: AlertRow): Alert {
    return {
      id: r.id,
      ruleId: r.rule_id,
      ruleName: r.rule_name,
      ruleType: r.rule_type,
      deviceId: r.device_id,
      deviceName: r.device_name ?? r.device_id,
      deviceUrl: d.deviceUrl(r.device_id),
      severity: r.severity as AlertSeverity,
      state: r.state as AlertState,
      firedAt: r.fired_at,
      value: JSON.parse(r.value_json) as unknown,
      lastValue: JSON.parse(r.last_value_json) as unknown,
      text: r.text,
      flapping: r.flapping === 1,
      ackedBy: r.acked_by,
      ackedAt: r.acked_at,
      ackNote: r.ack_note,
      resolvedAt: r.resolved_at,
      resolvedBy: r.resolved_by,
      resolveNote: r.resolve_note,
    };
  }

  function duration(v: number | undefined, def: number, path: string): number {
    if (v === undefined) return def;
    if (!Number.isFinite(v) || v < 0 || v > MAX_DURATION_S)
      throw new ValidationError(`${path.slice(1)} must be between 0 and ${MAX_DURATION_S} seconds`, { path });
    return v;
  }

  /** Checks a whole rule definition; every refusal names the path of the bad value. */
  async function validated(
    input: AlertRuleInput,
    base: AlertRule | null,
    caller: ScopeGroups,
  ): Promise<Omit<AlertRule, 'id' | 'createdBy' | 'createdAt' | 'updatedAt'>> {
    const type = d.types.get(input.type);
    if (!type)
      throw new ValidationError(`unknown rule type "${input.type}"; known: ${[...d.types.keys()].join(', ')}`, {
        path: '/type',
      });
    const severity = input.severity ?? base?.severity ?? 'warning';
    if (!SEVERITIES.includes(severity))
      throw new ValidationError(`severity must be one of ${SEVERITIES.join(', ')}`, { path: '/severity' });
    const params = type.parse(input.params ?? (base?.type === input.type ? base.params : {})) as Record<
      string,
      unknown
    >;
    const channels = input.channels ?? base?.channels ?? [];
    const missing = await d.missingChannels(channels);
    if (missing.length)
      throw new ValidationError(`unknown notification channel "${missing[0]}"`, {
        path: `/channels/${channels.indexOf(missing[0])}`,
      });
    return {
      name: input.name,
      type: input.type,
      severity,
      scope: await checkScope(d.selector, claimAlertScope(caller, input.scope ?? base?.scope ?? {}, 'the alert rule')),
      params,
      forS: duration(input.forS, base?.forS ?? 0, '/forS'),
      clearForS: duration(input.clearForS, base?.clearForS ?? 0, '/clearForS'),
      channels: [...new Set(channels)],
      enabled: input.enabled ?? base?.enabled ?? true,
    };
  }

  /** The rule, when all it watches lies in the caller's scope (else the same 404 as no such rule). */
  async function mustRule(caller: ScopeGroups, id: string) {
    const r = await d.store.getRule(id);
    if (!r || !alertScopeInside(caller, r.scope)) throw new NotFound('alert rule', id);
    return r;
  }

  async function createRule(actor: Actor, caller: ScopeGroups, input: AlertRuleInput) {
    const v = await validated(input, null, caller);
    if (await d.store.ruleByName(v.name))
      throw new Conflict(`an alert rule named "${v.name}" exists`, { path: '/name' });
    const now = d.clock.now().toISOString();
    const rule: AlertRule = { id: newId('rul'), ...v, createdBy: actor.id, createdAt: now, updatedAt: now };
    await d.store.insertRule(rule);
    await d.audit.record({
      actor,
      action: 'alert_rule.create',
      target: `alert_rule:${rule.id}`,
      details: { name: rule.name, type: rule.type, scope: rule.scope, channels: rule.channels.length },
    });
    return rule;
  }

  async function updateRule(actor: Actor, caller: ScopeGroups, id: string, patch: Partial<AlertRuleInput>) {
    const base = await mustRule(caller, id);
    const named = { ...patch, name: patch.name ?? base.name, type: patch.type ?? base.type };
    const v = await validated(named, base, caller);
    if (v.name !== base.name && (await d.store.ruleByName(v.name)))
      throw new Conflict(`an alert rule named "${v.name}" exists`, { path: '/name' });
    const rule: AlertRule = { ...base, ...v, updatedAt: d.clock.now().toISOString() };
    await d.store.updateRule(rule);
    await d.audit.record({
      actor,
      action: 'alert_rule.update',
      target: `alert_rule:${id}`,
      details: { changed: Object.keys(patch) },
    });
    return rule;
  }

  async function deleteRule(actor: Actor, caller: ScopeGroups, id: string) {
    const rule = await mustRule(caller, id);
    await d.store.deleteRule(id);
    await d.audit.record({
      actor,
      action: 'alert_rule.delete',
      target: `alert_rule:${id}`,
      details: { name: rule.name },
    });
  }

  /** The alert, when its device lies in the scope (else the same 404 as no such alert). */
  async function mustAlert(id: string, scope: DeviceScope) {
    const a = await d.store.getAlert(id);
    if (!a || !(await scope.contains(a.device_id))) throw new NotFound('alert', id);
    return a;
  }

  async function acknowledge(actor: Actor, scope: DeviceScope, id: string, note: string | null) {
    const a = await mustAlert(id, scope);
    if (a.state !== 'firing') throw new Conflict(`the alert is ${a.state}; only a firing alert can be acknowledged`);
    if (!(await d.store.acknowledge(id, actor.id, note, d.clock.now().toISOString())))
      throw new Conflict('the alert changed meanwhile; reload it');
    await d.audit.record({
      actor,
      action: 'alert.acknowledge',
      target: `alert:${id}`,
      details: { rule: a.rule_name, device: a.device_id, note },
    });
    return get(scope, id);
  }

  async function resolveByHand(actor: Actor, scope: DeviceScope, id: string, note: string | null) {
    const a = await mustAlert(id, scope);
    if (a.state === 'resolved') throw new Conflict('the alert is already resolved');
    const at = d.clock.now().toISOString();
    const rule = await d.store.getRule(a.rule_id);
    const payload: NotifiedAlert = {
      alertId: a.id,
      event: 'resolved',
      rule: { id: a.rule_id, name: a.rule_name, type: a.rule_type },
      severity: a.severity as AlertSeverity,
      device: { id: a.device_id, name: a.device_name ?? a.device_id, url: d.deviceUrl(a.device_id) },
      since: a.fired_at,
      at,
      value: JSON.parse(a.last_value_json) as unknown,
      text: `resolved by ${actor.id}${note ? ` (${note})` : ''}: ${a.text}`,
    };
    const intents = (rule?.channels ?? []).map((channelId) => ({ channelId, payload }));
    if (!(await d.store.resolveByHand({ id, at, by: actor.id, note, valueJson: null, intents })))
      throw new Conflict('the alert changed meanwhile; reload it');
    d.engine.noteManualResolve(a.rule_id, a.device_id);
    await d.audit.record({
      actor,
      action: 'alert.resolve',
      target: `alert:${id}`,
      details: { rule: a.rule_name, device: a.device_id, note },
    });
    return get(scope, id);
  }

  /**
   * Acknowledges or resolves each alert of a selection as if one at a time (each checked against
   * the scope, each audited); one that cannot change is reported with its reason, the rest go on.
   */
  async function changeMany(
    kind: 'ack' | 'resolve',
    actor: Actor,
    scope: DeviceScope,
    ids: string[],
    note: string | null,
  ): Promise<AlertBulkResult> {
    const out: AlertBulkResult = { changed: [], refused: [] };
    for (const id of ids) {
      try {
        await (kind === 'ack' ? acknowledge : resolveByHand)(actor, scope, id, note);
        out.changed.push(id);
      } catch (err) {
        if (!(err instanceof HubError)) throw err;
        out.refused.push({ id, code: err.code, message: err.message });
      }
    }
    return out;
  }

  /** Alerts fired in each of the last `hours` hours (and this one), by severity, within a scope. */
  async function timeline(within: DeviceWhere | null, hours: number) {
    const now = d.clock.now();
    const since = new Date(Math.floor(now.getTime() / 3_600_000 - hours) * 3_600_000).toISOString();
    return { items: hourlyTimeline(await d.store.firedPerHour(since, within), now, hours) };
  }

  async function get(scope: DeviceScope, id: string) {
    const a = await mustAlert(id, scope);
    return { ...toAlert(a), history: await d.store.history(id) };
  }

  async function list(
    scope: DeviceScope,
    q: {
      state?: string;
      deviceId?: string;
      ruleId?: string;
      severity?: AlertSeverity;
      limit?: number;
      cursor?: string;
    },
  ) {
    const states =
      q.state === 'open' ? (['firing', 'acknowledged'] as AlertState[]) : q.state ? [q.state as AlertState] : undefined;
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const rows = await d.store.listAlerts({
      states,
      deviceId: q.deviceId,
      ruleId: q.ruleId,
      severity: q.severity,
      limit: limit + 1,
      before: q.cursor ? decodeCursor(q.cursor) : undefined,
      devices: scope.where,
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toAlert), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /** Open alert counts, of the fleet or (`within`) of a scope's devices. */
  async function summary(within: DeviceWhere | null = null) {
    const rows = await d.store.openCounts(within);
    const out = {
      open: 0,
      firing: 0,
      acknowledged: 0,
      bySeverity: { info: 0, warning: 0, critical: 0 } as Record<AlertSeverity, number>,
    };
    for (const r of rows) {
      const n = Number(r.n);
      out.open += n;
      if (r.state === 'firing') out.firing += n;
      else out.acknowledged += n;
      out.bySeverity[r.severity as AlertSeverity] = (out.bySeverity[r.severity as AlertSeverity] ?? 0) + n;
    }
    return { ...out, lastEvaluation: d.engine.lastRun() };
  }

  return {
    createRule,
    updateRule,
    deleteRule,
    getRule: mustRule,
    listRules: async (caller: ScopeGroups) =>
      (await d.store.listRules()).filter((r) => alertScopeInside(caller, r.scope)),
    ruleTypes: () => [...d.types.values()].map((t) => ({ type: t.type, title: t.title, params: t.params })),
    /** Lets a later domain (drift, rollouts) add its rule type without editing this one. */
    registerType(t: AnyRuleType) {
      d.types.set(t.type, t);
    },
    list,
    get,
    acknowledge,
    resolve: resolveByHand,
    acknowledgeMany: (actor: Actor, scope: DeviceScope, ids: string[], note: string | null) =>
      changeMany('ack', actor, scope, ids, note),
    resolveMany: (actor: Actor, scope: DeviceScope, ids: string[], note: string | null) =>
      changeMany('resolve', actor, scope, ids, note),
    timeline,
    summary,
    evaluate: () => d.engine.evaluate(),
  };
}
