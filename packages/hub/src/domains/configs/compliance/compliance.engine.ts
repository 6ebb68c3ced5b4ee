import type { DriftEntry } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logger.js';
import { newId } from '../../../platform/ids.js';
import type { DeviceBus } from '../../../platform/device-bus.js';
import type { AuditLog } from '../../audit/index.js';
import type { Actor } from '../../audit/index.js';
import type { ComputedDesired, DesiredService } from '../desired.service.js';
import type { ConfigsStore } from '../configs.store.js';
import { DEVICE_SOURCE, type StoredDesired } from '../effective-state.js';
import type { ConfigEventsTable } from '../configs.tables.js';
import { evaluateDevice, worstState, type SourceVerdict, type StoredReport } from './compliance.evaluate.js';
import type { ComplianceRowDb, ComplianceStore, IncidentRow } from './compliance.store.js';
import type { DesiredStore, DeviceStateHead } from '../desired.store.js';
import { createVerdictCache } from './verdict-cache.js';

export const COMPLIANCE_ACTOR: Actor = { type: 'system', id: 'compliance' };
// A drift that comes back after this many fixes is left for a person (it is an event, not a loop).
const MAX_REMEDIATIONS_PER_INCIDENT = 5;
const MIN_REMEDIATION_INTERVAL_MS = 2000;

export interface EngineDeps {
  desired: DesiredService;
  desiredStore: DesiredStore;
  configs: ConfigsStore;
  store: ComplianceStore;
  bus: DeviceBus;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

export type ComplianceEngine = ReturnType<typeof createComplianceEngine>;

/** Recomputes desired state, publishes it, evaluates compliance and acts on drift (event or remediation). */
export function createComplianceEngine(d: EngineDeps) {
  const lastFix = new Map<string, number>();
  const verdicts = createVerdictCache();
  let names = new Map<string, string>();

  async function templateNames() {
    names = new Map((await d.configs.templates()).map((t) => [t.id, t.name]));
    names.set(DEVICE_SOURCE, 'device override');
    return names;
  }

  const isEnforced = (stored: StoredDesired, source: string) =>
    Object.values(stored.e).some((e) => e.s === source && e.f === 1) ||
    Object.values(stored.files).some((f) => f.s === source && f.f === 1);

  const event = (
    deviceId: string,
    type: string,
    severity: ConfigEventsTable['severity'],
    templateId: string | null,
    data: Record<string, unknown>,
  ): ConfigEventsTable => ({
    id: newId('cev'),
    device_id: deviceId,
    ts: d.clock.now().toISOString(),
    type,
    severity,
    template_id: templateId,
    data_json: JSON.stringify(data),
  });

  /** Recomputes, publishes and evaluates `deviceIds` (every device when omitted); fixes enforced drift once more. */
  async function refresh(
    opts: { deviceIds?: string[]; publishAll?: boolean; force?: Set<string>; reconverge?: boolean } = {},
  ) {
    await templateNames();
    const computed = await d.desired.compute({ deviceIds: opts.deviceIds, force: opts.force });
    const sent = await d.desired.publish(computed, {
      all: opts.publishAll,
      reconverge: opts.reconverge ? opts.force : undefined,
    });
    await recordRemediations(
      computed.filter((c) => c.changed && sent.has(c.deviceId)),
      !!opts.reconverge,
    );
    const toFix = await evaluate(computed);
    if (!opts.deviceIds) verdicts.retain(computed.map((c) => c.deviceId));
    if (toFix.length && !opts.force) await refresh({ deviceIds: toFix, force: new Set(toFix) });
    return { devices: computed.length, republished: sent.size };
  }

  /** A new document reached a device with open drift under an enforcing source: that is a remediation. */
  async function recordRemediations(published: ComputedDesired[], reconverge: boolean) {
    if (published.length === 0) return;
    const open = await d.store.openIncidents(published.map((c) => c.deviceId));
    const byDevice = new Map(published.map((c) => [c.deviceId, c]));
    const now = d.clock.now().toISOString();
    for (const inc of open) {
      const c = byDevice.get(inc.device_id)!;
      if ((!reconverge && !isEnforced(c.stored, inc.template_id)) || inMaintenance(c)) continue;
      const keys = JSON.parse(inc.keys_json) as string[];
      await d.store.insertRemediation({
        id: newId('rem'),
        incident_id: inc.id,
        device_id: inc.device_id,
        template_id: inc.template_id,
        at: now,
        desired_version: c.version,
        keys_json: inc.keys_json,
        actor: COMPLIANCE_ACTOR.id,
      });
      await d.store.updateIncident(inc.id, { remediations: inc.remediations + 1 });
      await d.store.insertEvents([
        event(inc.device_id, 'config.remediated', 'info', inc.template_id, {
          template: inc.template_name,
          keys,
          version: c.version,
        }),
      ]);
      await d.audit.record({
        actor: COMPLIANCE_ACTOR,
        action: 'config.remediate',
        target: `device:${inc.device_id}`,
        details: { template: inc.template_name, keys, desiredVersion: c.version, incident: inc.id },
      });
      lastFix.set(inc.device_id, d.clock.now().getTime());
    }
  }

  const inMaintenance = (c: ComputedDesired) =>
    !!c.row?.maintenance_until && c.row.maintenance_until > d.clock.now().toISOString();

  function verdictsOf(c: ComputedDesired, head: DeviceStateHead | undefined, key: string, json: string | undefined) {
    const known = verdicts.get(c.deviceId, key);
    if (known) return known;
    const reported = json ? (JSON.parse(json) as StoredReport) : null;
    const found = evaluateDevice(c.stored, c.version, reported, head?.report_error ?? null);
    verdicts.set(c.deviceId, key, found);
    return found;
  }

  /** Evaluates each computed device against its last report; returns the devices to remediate. */
  async function evaluate(computed: ComputedDesired[]): Promise<string[]> {
    if (computed.length === 0) return [];
    const ids = computed.map((c) => c.deviceId);
    // Heads and reports are read apart (the desired documents are already in hand), and only the
    // reports whose verdicts are not already known.
    const fresh = new Map((await d.desiredStore.heads(ids)).map((r) => [r.device_id, r]));
    const keys = new Map(computed.map((c) => [c.deviceId, verdicts.key(c.hash, c.version, fresh.get(c.deviceId))]));
    const reports = await d.desiredStore.reports(ids.filter((id) => !verdicts.get(id, keys.get(id)!)));
    const prev = new Map<string, ComplianceRowDb>();
    for (const r of await d.store.rowsOf(ids)) prev.set(`${r.device_id}|${r.template_id}`, r);
    const open = new Map<string, IncidentRow>();
    for (const i of await d.store.openIncidents(ids)) open.set(`${i.device_id}|${i.template_id}`, i);
    const now = d.clock.now().toISOString();
    const rows: ComplianceRowDb[] = [];
    const states: Array<{ device_id: string; state: string | null }> = [];
    const events: ConfigEventsTable[] = [];
    const toFix: string[] = [];
    for (const c of computed) {
      const row = fresh.get(c.deviceId);
      const found = verdictsOf(c, row, keys.get(c.deviceId)!, reports.get(c.deviceId));
      for (const [source, v] of found) {
        const key = `${c.deviceId}|${source}`;
        const before = prev.get(key);
        prev.delete(key);
        const diff = JSON.stringify(v.diff);
        // Unchanged rows are only stamped as checked; that keeps a scan of a quiet fleet cheap.
        if (!before || before.state !== v.state || before.diff_json !== diff || before.reason !== v.reason) {
          rows.push({
            device_id: c.deviceId,
            template_id: source,
            state: v.state,
            diff_json: diff,
            reason: v.reason,
            since: before?.state === v.state ? before.since : now,
            checked_at: now,
          });
        }
        const fix = await transition(c, source, before?.state ?? null, v, open.get(key), events);
        if (fix && !toFix.includes(c.deviceId)) toFix.push(c.deviceId);
      }
      const overall = worstState([...found.values()].map((v) => v.state));
      if (overall !== (row?.state ?? null)) states.push({ device_id: c.deviceId, state: overall });
    }
    // Sources that no longer apply to a device end their open incidents.
    for (const [key] of prev) {
      const inc = open.get(key);
      if (inc) await d.store.updateIncident(inc.id, { resolved_at: now, resolution: 'no longer managed' });
    }
    await d.store.applyRows({
      upsert: rows,
      remove: [...prev.values()].map((r) => ({ device_id: r.device_id, template_id: r.template_id })),
      touch: ids,
      at: now,
    });
    await d.desiredStore.setState(states);
    await d.store.insertEvents(events);
    return toFix;
  }

  async function transition(
    c: ComputedDesired,
    source: string,
    before: string | null,
    v: SourceVerdict,
    inc: IncidentRow | undefined,
    events: ConfigEventsTable[],
  ): Promise<boolean> {
    const now = d.clock.now().toISOString();
    const name = names.get(source) ?? source;
    if (v.state === 'drifted') {
      const keys = v.diff.map((x) => x.key);
      const users = usersOf(v.diff);
      if (!inc) {
        inc = {
          id: newId('inc'),
          device_id: c.deviceId,
          template_id: source,
          template_name: name,
          keys_json: JSON.stringify(keys),
          users_json: JSON.stringify(users),
          detected_at: now,
          resolved_at: null,
          resolution: null,
          remediations: 0,
        };
        await d.store.insertIncident(inc);
        events.push(
          event(c.deviceId, 'config.drift', 'warning', source, {
            template: name,
            keys,
            users,
            maintenance: inMaintenance(c),
          }),
        );
      } else {
        const allKeys = [...new Set([...(JSON.parse(inc.keys_json) as string[]), ...keys])];
        const allUsers = [...new Set([...(JSON.parse(inc.users_json) as string[]), ...users])];
        await d.store.updateIncident(inc.id, {
          keys_json: JSON.stringify(allKeys),
          users_json: JSON.stringify(allUsers),
        });
        inc.keys_json = JSON.stringify(allKeys);
      }
      return shouldFix(c, source, inc, events);
    }
    if (v.state === 'compliant' && inc) {
      await d.store.updateIncident(inc.id, {
        resolved_at: now,
        resolution: inc.remediations > 0 ? 'remediated' : 'restored',
      });
      events.push(event(c.deviceId, 'config.compliant', 'info', source, { template: name, incident: inc.id }));
    }
    if (v.state === 'error' && before !== 'error')
      events.push(event(c.deviceId, 'config.error', 'warning', source, { template: name, reason: v.reason }));
    return false;
  }

  function shouldFix(c: ComputedDesired, source: string, inc: IncidentRow, events: ConfigEventsTable[]): boolean {
    if (!isEnforced(c.stored, source) || inMaintenance(c) || !d.bus.isConnected(c.deviceId)) return false;
    if (inc.remediations >= MAX_REMEDIATIONS_PER_INCIDENT) {
      if (inc.remediations === MAX_REMEDIATIONS_PER_INCIDENT) {
        events.push(
          event(c.deviceId, 'config.remediation_exhausted', 'critical', source, {
            template: inc.template_name,
            attempts: inc.remediations,
          }),
        );
        void d.store.updateIncident(inc.id, { remediations: inc.remediations + 1 });
      }
      return false;
    }
    return d.clock.now().getTime() - (lastFix.get(c.deviceId) ?? 0) >= MIN_REMEDIATION_INTERVAL_MS;
  }

  return { refresh, evaluate, templateNames, event };
}

function usersOf(diff: DriftEntry[]): string[] {
  return [...new Set(diff.flatMap((x) => x.users ?? []))];
}
