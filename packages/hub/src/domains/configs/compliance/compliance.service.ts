import {
  compileValidator,
  ReportedMessage,
  type ComplianceCounts,
  type ComplianceHistoryPoint,
  type ComplianceRow,
  type ComplianceSummary,
  type ConfigEvent,
  type DriftEntry,
  type TemplatePolicy,
} from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logger.js';
import { newId } from '../../../platform/ids.js';
import { NotFound, ValidationError } from '../../../platform/errors.js';
import type { AuditLog } from '../../audit/index.js';
import type { Actor } from '../../audit/index.js';
import type { DeviceScope, DeviceScopes, DeviceSelector, DeviceWhere } from '../../devices/index.js';
import type { ConfigsStore } from '../configs.store.js';
import type { DesiredStore } from '../desired.store.js';
import { DEVICE_SOURCE, type StoredDesired } from '../effective-state.js';
import { digestOf, isSecretLookingKey } from '../settings-values.js';
import type { ModelSchemas } from '../model-schemas.js';
import {
  checkReported,
  hasInvalid,
  invalidKeys,
  isDigest,
  storedReportJson,
  type StoredInvalid,
} from '../reported-check.js';
import type { ComplianceEngine } from './compliance.engine.js';
import type { ComplianceStore, ComplianceRowDb } from './compliance.store.js';
import type { StoredReport } from './compliance.evaluate.js';
import { createSerialQueue } from './serial-queue.js';

const validateReport = compileValidator(ReportedMessage);
const STATES = ['pending', 'compliant', 'drifted', 'error'] as const;
// Group scopes whose history a fleet scan keeps too (those scanned or read most recently).
const MAX_HISTORY_SCOPES = 50;

/** A caller's compliance view: null or an unrestricted scope = the whole fleet. */
type Caller = DeviceScope | null | undefined;
const scoped = (c: Caller): c is DeviceScope => !!c && !c.unrestricted;
/** The key of a scope's history and scans: '' for the whole fleet, else its sorted group paths. */
export const scopeKeyOf = (c: Caller): string => (scoped(c) ? [...c.groups].sort().join('\n') : '');
// Devices re-checked per turn of the serial queue after a model's schema changed.
const RECHECK_BATCH = 200;

export interface ComplianceDeps {
  engine: ComplianceEngine;
  store: ComplianceStore;
  desiredStore: DesiredStore;
  configs: ConfigsStore;
  selector: DeviceSelector;
  scopes: Pick<DeviceScopes, 'of'>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  digestKey(deviceId: string): string;
  schemas: ModelSchemas;
}

/** What a refresh did: the devices whose state was computed, and how many of them were sent a new one. */
export interface ComplianceRefresh {
  devices: number;
  republished: number;
}

export interface ComplianceService {
  events(q: { device?: string; type?: string; limit?: number }, caller?: Caller): Promise<{ items: ConfigEvent[] }>;
  onReported(deviceId: string, payload: Buffer): Promise<void>;
  recheckModel(model: string): Promise<void>;
  onReady(deviceId: string): Promise<ComplianceRefresh>;
  /** Recompute and republish some devices (after templates, overrides or maintenance changed). */
  refresh(deviceIds?: string[], force?: Set<string>, reconverge?: boolean): Promise<ComplianceRefresh>;
  scan(
    trigger: string,
    actor?: Actor,
    caller?: Caller,
  ): Promise<ComplianceRefresh & { durationMs: number; overall: ComplianceSummary['overall'] }>;
  summary(caller?: Caller): Promise<ComplianceSummary>;
  list(
    q: { state?: string; template?: string; filter?: string; limit?: number; cursor?: string },
    caller?: Caller,
  ): Promise<{ items: ComplianceRow[]; nextCursor: string | null }>;
  /** Compliance counts of one template (or all) over the last `hours`, as scans recorded them. */
  history(
    q: { template?: string; hours?: number },
    caller?: Caller,
  ): Promise<{ template: string; items: ComplianceHistoryPoint[] }>;
  toRows(rows: ComplianceRowDb[]): Promise<ComplianceRow[]>;
  templateId(name?: string): Promise<string | undefined>;
  deviceIdsOf(filter?: string, caller?: Caller): Promise<string[] | undefined>;
  queueDepth(): number;
}

export function createComplianceService(d: ComplianceDeps): ComplianceService {
  // Desired-state versions and compliance rows change under one queue, so versions never race.
  const queue = createSerialQueue();
  const malformedAt = new Map<string, number>();

  /** Keeps the state of a device from its last report; secrets are kept only as digests. */
  async function onReported(deviceId: string, payload: Buffer): Promise<void> {
    const m = validateReport.parse(payload);
    await queue.run(async () => {
      await d.desiredStore.ensure(deviceId);
      const at = d.clock.now().toISOString();
      if (!m.ok) {
        const reason = `malformed settings report (${m.code}): ${m.message.slice(0, 200)}`;
        await d.desiredStore.setReported(deviceId, { ...(await keepReport(deviceId)), report_error: reason });
        // One event per device per minute: a broken agent must not flood the store.
        const nowMs = d.clock.now().getTime();
        if ((malformedAt.get(deviceId) ?? 0) < nowMs - 60_000) {
          malformedAt.set(deviceId, nowMs);
          await d.store.insertEvents([
            d.engine.event(deviceId, 'config.report_malformed', 'warning', null, {
              code: m.code,
              message: m.message.slice(0, 200),
            }),
          ]);
          d.logger.warn({ deviceId, code: m.code }, 'malformed settings report');
        }
      } else {
        const { v: _v, ...report } = m.value;
        const row = await d.desiredStore.getWithModel(deviceId);
        const stored = row ? (JSON.parse(row.desired_json) as StoredDesired) : { e: {}, files: {} };
        // A model without a schema costs nothing here: no query, no parse of the last report.
        const before = hasInvalid(row?.reported_json)
          ? ((JSON.parse(row!.reported_json!) as StoredReport).invalid ?? null)
          : null;
        const schema = await d.schemas.get(row?.model);
        // Values are checked before secret-looking ones are replaced by their digests.
        const invalid = schema
          ? checkReported(schema, row!.model!, report.settings, {
              managed: (k) => k in stored.e,
              previous: before,
              carry: report.truncated ? (k) => !(k in report.settings) : undefined,
            })
          : null;
        report.settings = sanitize(deviceId, report.settings, stored);
        await d.desiredStore.setReported(deviceId, {
          reported_version: report.desiredVersion,
          reported_at: at,
          reported_json: storedReportJson(report, invalid),
          report_error: null,
        });
        await d.store.insertEvents(invalidEvents(deviceId, before, invalid));
      }
      await evaluateStored([deviceId]);
    });
  }

  /**
   * `settings.invalid` when the set of invalid keys changes (keys, rules and paths; never
   * values), `settings.valid` when it becomes empty; nothing while it stays the same.
   */
  function invalidEvents(deviceId: string, before: StoredInvalid | null, after: StoredInvalid | null) {
    const was = invalidKeys(before);
    const now = invalidKeys(after);
    if (was.join('\n') === now.join('\n')) return [];
    if (!after) {
      d.logger.info({ deviceId, model: before?.model, resolved: was }, 'reported settings valid again');
      return [
        d.engine.event(deviceId, 'settings.valid', 'info', null, { model: before?.model ?? null, resolved: was }),
      ];
    }
    d.logger.info(
      { deviceId, model: after.model, keys: now, total: after.total },
      'reported settings break the model schema',
    );
    return [
      d.engine.event(deviceId, 'settings.invalid', 'warning', null, {
        model: after.model,
        keys: now,
        added: now.filter((k) => !was.includes(k)),
        resolved: was.filter((k) => !now.includes(k)),
        violations: after.items,
        total: after.total,
      }),
    ];
  }

  /**
   * A model's schema was set, changed or removed: the stored reports of its devices are checked
   * again, a batch of devices per turn of the serial queue, so reports keep flowing meanwhile.
   * Calls while one runs are coalesced; a model changed again during its run is run again.
   */
  const recheckWanted = new Set<string>();
  let rechecking: Promise<void> | null = null;
  function recheckModel(model: string): Promise<void> {
    recheckWanted.add(model);
    rechecking ??= (async () => {
      try {
        while (recheckWanted.size) {
          const [next] = recheckWanted;
          recheckWanted.delete(next);
          try {
            await recheckAll(next);
          } catch (err) {
            d.logger.warn({ model: next, err: (err as Error).message }, 'settings schema re-check failed');
          }
        }
      } finally {
        rechecking = null;
      }
    })();
    return rechecking;
  }

  async function recheckAll(model: string) {
    for (let after = ''; ;) {
      const ids = await d.desiredStore.reportedIdsOfModel(model, after, RECHECK_BATCH);
      if (ids.length === 0) return;
      after = ids[ids.length - 1];
      await queue.run(() => recheckBatch(model, ids));
    }
  }

  async function recheckBatch(model: string, ids: string[]) {
    const schema = await d.schemas.get(model);
    const writes: Array<{ device_id: string; reported_json: string }> = [];
    const events: ReturnType<typeof invalidEvents> = [];
    for (const row of await d.desiredStore.many(ids)) {
      if (!row.reported_json) continue;
      const report = JSON.parse(row.reported_json) as StoredReport;
      const before = report.invalid ?? null;
      const stored = JSON.parse(row.desired_json) as StoredDesired;
      // What the stored report cannot show again (clear secret-looking values are stored as digests;
      // a truncated report left unmanaged keys out) keeps what was found in it until the next report.
      const unseen = (k: string) => (k in report.settings ? isDigest(report.settings[k]) : !!report.truncated);
      const after = schema
        ? checkReported(schema, model, report.settings, {
            managed: (k) => k in stored.e,
            previous: before,
            carry: unseen,
          })
        : null;
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      writes.push({ device_id: row.device_id, reported_json: storedReportJson(report, after) });
      events.push(...invalidEvents(row.device_id, before, after));
    }
    await d.desiredStore.setReportedJson(writes);
    await d.store.insertEvents(events);
    await evaluateStored(writes.map((w) => w.device_id));
  }

  async function keepReport(deviceId: string) {
    const r = await d.desiredStore.get(deviceId);
    return {
      reported_version: r?.reported_version ?? null,
      reported_at: r?.reported_at ?? null,
      reported_json: r?.reported_json ?? null,
    };
  }

  /** A value that is (or looks) secret and came in clear is replaced by its digest before it is stored. */
  function sanitize(
    deviceId: string,
    settings: StoredReport['settings'],
    desired: StoredDesired,
  ): StoredReport['settings'] {
    const out: StoredReport['settings'] = {};
    for (const [k, v] of Object.entries(settings)) {
      const secret = desired.e[k]?.d !== undefined || isSecretLookingKey(k);
      const plain = !(v && typeof v === 'object' && !Array.isArray(v));
      out[k] = secret && plain ? { $digest: digestOf(d.digestKey(deviceId), v as Parameters<typeof digestOf>[1]) } : v;
    }
    return out;
  }

  /** Evaluates devices against their stored desired state; remediates through a refresh when needed. */
  async function evaluateStored(deviceIds: string[]) {
    if (deviceIds.length === 0) return;
    const rows = await d.desiredStore.many(deviceIds);
    if (rows.length === 0) return;
    await d.engine.templateNames();
    const toFix = await d.engine.evaluate(
      rows.map((row) => ({
        deviceId: row.device_id,
        stored: JSON.parse(row.desired_json) as StoredDesired,
        version: row.desired_version,
        row,
        changed: false,
        hash: row.desired_hash,
        merged: { entries: new Map(), files: new Map() },
      })),
    );
    if (toFix.length) await d.engine.refresh({ deviceIds: toFix, force: new Set(toFix) });
  }

  /**
   * Full scan: recompute the desired state of every device (of the caller's scope for a group-scoped
   * caller), publish what changed, evaluate, and keep the history: of the whole fleet and of each
   * scope whose history was started, or of the caller's scope only.
   */
  async function scan(trigger: string, actor?: Actor, caller?: Caller) {
    return queue.run(async () => {
      const started = d.clock.now();
      const t0 = performance.now();
      const key = scopeKeyOf(caller);
      const ids = scoped(caller) ? await d.desiredStore.idsWhere(caller.where) : undefined;
      const r = ids && ids.length === 0 ? { devices: 0, republished: 0 } : await d.engine.refresh({ deviceIds: ids });
      const summary = await summarize(scoped(caller) ? caller.where : null);
      await keepHistory(key, summary);
      if (!scoped(caller))
        for (const other of await d.store.historyScopes(MAX_HISTORY_SCOPES)) {
          const s = await d.scopes.of(other.split('\n'));
          await keepHistory(other, await summarize(s.where));
        }
      const durationMs = Math.round(performance.now() - t0);
      await d.store.insertScan({
        id: newId('scn'),
        started_at: started.toISOString(),
        duration_ms: durationMs,
        devices: r.devices,
        republished: r.republished,
        trigger,
        scope_key: key,
      });
      if (actor)
        await d.audit.record({
          actor,
          action: 'compliance.scan',
          target: 'compliance:fleet',
          details: {
            devices: r.devices,
            republished: r.republished,
            durationMs,
            ...(scoped(caller) ? { groups: [...caller.groups] } : {}),
          },
        });
      return { devices: r.devices, republished: r.republished, durationMs, overall: summary.overall };
    });
  }

  async function keepHistory(scopeKey: string, summary: Awaited<ReturnType<typeof summarize>>) {
    const at = d.clock.now().toISOString();
    await d.store.insertHistory([
      { at, scope_key: scopeKey, template_id: '*', template_name: '*', ...pick(summary.overall) },
      ...summary.templates.map((t) => ({
        at,
        scope_key: scopeKey,
        template_id: t.templateId,
        template_name: t.template,
        ...pick(t),
      })),
    ]);
  }

  const pick = (c: ComplianceCounts) => ({
    total: c.total,
    compliant: c.compliant,
    drifted: c.drifted,
    pending: c.pending,
    error: c.error,
  });

  function counts(by: Record<string, number>): ComplianceCounts {
    const c = {
      compliant: by.compliant ?? 0,
      drifted: by.drifted ?? 0,
      pending: by.pending ?? 0,
      error: by.error ?? 0,
    };
    const total = c.compliant + c.drifted + c.pending + c.error;
    return { total, ...c, compliantPct: total === 0 ? 100 : Math.round((c.compliant / total) * 1000) / 10 };
  }

  /** Counts over the devices `where` selects (null: the whole fleet); a source none of them has is left out. */
  async function summarize(where: DeviceWhere | null) {
    const names = await d.engine.templateNames();
    const policies = new Map((await d.configs.templates()).map((t) => [t.id, t.spec.policy as TemplatePolicy]));
    const per = new Map<string, Record<string, number>>();
    for (const r of await d.store.counts(where))
      (per.get(r.template_id) ?? per.set(r.template_id, {}).get(r.template_id)!)[r.state] = r.n;
    const overall = counts(Object.fromEntries((await d.store.deviceCounts(where)).map((r) => [r.state, r.n])));
    const templates = [...per].map(([id, by]) => ({
      templateId: id,
      template: names.get(id) ?? id,
      policy: policies.get(id) ?? null,
      ...counts(by),
    }));
    templates.sort((a, b) => a.template.localeCompare(b.template));
    return { overall: { ...overall, devices: overall.total }, templates };
  }

  async function summary(caller?: Caller): Promise<ComplianceSummary> {
    const s = await summarize(scoped(caller) ? caller.where : null);
    const last = await d.store.lastScan(scopeKeyOf(caller));
    return {
      overall: s.overall,
      templates: s.templates.map(({ templateId: _t, ...rest }) => rest),
      lastScan: last ? { at: last.started_at, durationMs: last.duration_ms, devices: last.devices } : null,
    };
  }

  async function templateId(name?: string): Promise<string | undefined> {
    if (!name) return undefined;
    if (name === DEVICE_SOURCE || name === 'device override') return DEVICE_SOURCE;
    const t = await d.configs.template(name);
    if (!t) throw new NotFound('template', name);
    return t.id;
  }

  /** The devices a filter selects, inside the caller's scope; undefined = every device. */
  async function deviceIdsOf(filter?: string, caller?: Caller): Promise<string[] | undefined> {
    const where = filter ? await d.selector.where(filter) : null;
    if (scoped(caller)) return d.desiredStore.idsWhere(caller.narrow(where));
    return filter ? d.desiredStore.idsWhere(where) : undefined;
  }

  async function toRows(rows: ComplianceRowDb[]): Promise<ComplianceRow[]> {
    const names = await d.engine.templateNames();
    const templates = new Map((await d.configs.templates()).map((t) => [t.id, t]));
    const deviceNames = await d.desiredStore.names([...new Set(rows.map((r) => r.device_id))]);
    const states = new Map(
      (await d.desiredStore.many([...new Set(rows.map((r) => r.device_id))])).map((s) => [s.device_id, s]),
    );
    const now = d.clock.now().toISOString();
    return rows.map((r) => {
      const t = templates.get(r.template_id);
      const until = states.get(r.device_id)?.maintenance_until;
      return {
        deviceId: r.device_id,
        deviceName: deviceNames.get(r.device_id) ?? r.device_id,
        template: names.get(r.template_id) ?? r.template_id,
        templateVersion: t?.version ?? null,
        policy: r.template_id === DEVICE_SOURCE ? 'enforce' : ((t?.spec.policy as TemplatePolicy | undefined) ?? null),
        state: r.state as ComplianceRow['state'],
        diff: JSON.parse(r.diff_json) as DriftEntry[],
        reason: r.reason,
        since: r.since,
        checkedAt: r.checked_at,
        maintenance: !!until && until > now,
      };
    });
  }

  /** Compliance rows (device × template), filtered; pages by an opaque cursor. */
  async function list(
    q: { state?: string; template?: string; filter?: string; limit?: number; cursor?: string },
    caller?: Caller,
  ) {
    if (q.state && !(STATES as readonly string[]).includes(q.state))
      throw new ValidationError(`state must be one of ${STATES.join(', ')}`, { path: '/state' });
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 5000);
    let afterKey: { deviceId: string; templateId: string } | undefined;
    if (q.cursor) {
      try {
        afterKey = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as typeof afterKey;
      } catch {
        throw new ValidationError('the cursor is not one this hub issued', { path: '/cursor' });
      }
    }
    const rows = await d.store.list({
      state: q.state,
      templateId: await templateId(q.template),
      deviceIds: await deviceIdsOf(q.filter, caller),
      afterKey,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? Buffer.from(JSON.stringify({ deviceId: last.device_id, templateId: last.template_id })).toString('base64url')
        : null;
    return { items: await toRows(page), nextCursor };
  }

  /**
   * The points kept for the caller's scope (the whole fleet's for a caller who sees every device). A
   * scope read for the first time gets its first point now; fleet scans keep its history from then on.
   */
  async function history(q: { template?: string; hours?: number }, caller?: Caller) {
    const id = (await templateId(q.template)) ?? '*';
    const since = new Date(d.clock.now().getTime() - (q.hours ?? 24) * 3_600_000).toISOString();
    const scopeKey = scopeKeyOf(caller);
    if (scoped(caller)) {
      const started = await d.store.history({ templateId: '*', sinceIso: '', limit: 1, scopeKey });
      if (started.length === 0) await queue.run(async () => keepHistory(scopeKey, await summarize(caller.where)));
    }
    return {
      template: q.template ?? '*',
      items: (await d.store.history({ templateId: id, sinceIso: since, limit: 10_000, scopeKey })).map(
        ({ scope_key: _k, ...point }) => point,
      ),
    };
  }

  async function events(
    q: { device?: string; type?: string; limit?: number },
    caller?: Caller,
  ): Promise<{ items: ConfigEvent[] }> {
    const names = await d.engine.templateNames();
    const rows = await d.store.events({
      deviceId: q.device,
      type: q.type,
      limit: q.limit ?? 100,
      devices: scoped(caller) ? caller.where : null,
    });
    return {
      items: rows.map((e) => ({
        id: e.id,
        deviceId: e.device_id,
        ts: e.ts,
        type: e.type,
        severity: e.severity as ConfigEvent['severity'],
        template: e.template_id ? (names.get(e.template_id) ?? e.template_id) : null,
        data: JSON.parse(e.data_json) as Record<string, unknown>,
      })),
    };
  }

  return {
    events,
    onReported,
    recheckModel,
    onReady: (deviceId: string) => queue.run(() => d.engine.refresh({ deviceIds: [deviceId], publishAll: true })),
    /** Recompute and republish some devices (after templates, overrides or maintenance changed). */
    refresh: (deviceIds?: string[], force?: Set<string>, reconverge?: boolean) =>
      queue.run(() => d.engine.refresh({ deviceIds, force, reconverge })),
    scan,
    summary,
    list,
    history,
    toRows,
    templateId,
    deviceIdsOf,
    queueDepth: () => queue.depth(),
  };
}
