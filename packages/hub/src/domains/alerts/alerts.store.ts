import type { AlertHistoryEntry, AlertRule, AlertSeverity, AlertState, NotifiedAlert } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { lockKeys } from '../../storage/sql-dialect.js';
import { deviceIdsWhere, deviceNameOf, deviceSiteOf, type DeviceWhere } from '../devices/index.js';
import type { AlertRulesTable, AlertsTable } from './alerts.tables.js';

/** An alert row as stored, with the device name joined in. */
export type AlertRow = AlertsTable & { device_name: string | null };

export interface OpenAlert {
  id: string;
  ruleId: string;
  deviceId: string;
  state: AlertState;
  severity: AlertSeverity;
  firedAt: string;
  text: string;
  flapping: boolean;
  lastValueJson: string;
  lastValueAt: string;
}

export type IntentWriter = (db: Db, intents: Array<{ channelId: string; payload: NotifiedAlert }>) => Promise<void>;
type Intents = Array<{ channelId: string; payload: NotifiedAlert }>;

/** What one evaluation (or one operator action) changes, written in one transaction. */
export interface AlertChanges {
  fired: Array<{ row: Omit<AlertsTable, 'open_key'>; intents: Intents }>;
  resolved: Array<{
    id: string;
    at: string;
    by: string;
    note: string | null;
    valueJson: string | null;
    intents: Intents;
  }>;
  values: Array<{ id: string; valueJson: string; at: string }>;
}

export interface AlertQuery {
  states?: AlertState[];
  deviceId?: string;
  ruleId?: string;
  severity?: AlertSeverity;
  limit: number;
  before?: { firedAt: string; id: string };
  /** Only alerts about the devices this condition selects (a group-scoped reader's); null: all. */
  devices?: DeviceWhere | null;
}

export interface AlertsStore {
  insertRule: (r: AlertRule) => Promise<undefined>;
  updateRule: (r: AlertRule) => Promise<undefined>;
  deleteRule(id: string): Promise<boolean>;
  getRule(id: string): Promise<AlertRule | null>;
  ruleByName(name: string): Promise<AlertRule | null>;
  listRules: () => Promise<AlertRule[]>;
  openAlerts(): Promise<OpenAlert[]>;
  getAlert(id: string): Promise<AlertRow | null>;
  listAlerts(q: AlertQuery): Promise<AlertRow[]>;
  history(alertId: string): Promise<AlertHistoryEntry[]>;
  /** Applies an evaluation's changes; returns the ids that really changed (a concurrent hand-resolve wins). */
  apply(c: AlertChanges): Promise<{
    fired: string[];
    resolved: string[];
  }>;
  acknowledge(id: string, by: string, note: string | null, at: string): Promise<boolean>;
  resolveByHand(r: AlertChanges['resolved'][number]): Promise<boolean>;
  /** Open alerts by severity and state. */
  openCounts(within?: DeviceWhere | null): Promise<
    {
      state: string;
      severity: string;
      n: string | number | bigint;
    }[]
  >;
  /** Open alerts per `site` tag of their device (null: no site). */
  openPerSite(within?: DeviceWhere | null): Promise<Map<string | null, number>>;
  /** Alerts fired since `sinceIso`, counted per hour (ISO text up to the hour: `2026-03-02T10`) and severity. */
  firedPerHour(
    sinceIso: string,
    where: DeviceWhere | null,
  ): Promise<
    {
      hour: string;
      severity: string;
      n: number;
    }[]
  >;
  /** Alerts fired in [from, to) on the devices a filter selects (null: all), for reports. */
  firedBetween(
    fromIso: string,
    toIso: string,
    where: DeviceWhere | null,
  ): Promise<
    {
      state: string;
      severity: string;
      id: string;
      text: string;
      device_id: string;
      rule_name: string;
      rule_type: string;
      fired_at: string;
      resolved_at: string | null;
    }[]
  >;
}

export function toRule(r: AlertRulesTable): AlertRule {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    severity: r.severity as AlertSeverity,
    scope: {
      ...(r.scope_group ? { group: r.scope_group } : {}),
      ...(r.scope_filter ? { filter: r.scope_filter } : {}),
    },
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    forS: r.for_s,
    clearForS: r.clear_for_s,
    channels: JSON.parse(r.channels_json) as string[],
    enabled: r.enabled === 1,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function fromRule(r: AlertRule): AlertRulesTable {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    severity: r.severity,
    scope_group: r.scope.group ?? null,
    scope_filter: r.scope.filter ?? null,
    params_json: JSON.stringify(r.params),
    for_s: r.forS,
    clear_for_s: r.clearForS,
    channels_json: JSON.stringify(r.channels),
    enabled: r.enabled ? 1 : 0,
    created_by: r.createdBy,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function createAlertsStore(db: Db, writeIntents: IntentWriter): AlertsStore {
  async function nextN(trx: Db, alertId: string): Promise<number> {
    await lockKeys(trx, [`alert_events:${alertId}`]);
    const r = await trx
      .selectFrom('alert_events')
      .select((e) => e.fn.max('n').as('m'))
      .where('alert_id', '=', alertId)
      .executeTakeFirst();
    return Number(r?.m ?? 0) + 1;
  }

  async function addEvent(
    trx: Db,
    alertId: string,
    e: Omit<AlertHistoryEntry, 'value'> & { valueJson?: string | null },
    n?: number,
  ) {
    await trx
      .insertInto('alert_events')
      .values({
        alert_id: alertId,
        n: n ?? (await nextN(trx, alertId)),
        at: e.at,
        event: e.event,
        actor: e.actor,
        note: e.note,
        value_json: e.valueJson ?? 'null',
      })
      .execute();
  }

  async function resolveOne(trx: Db, r: AlertChanges['resolved'][number]): Promise<boolean> {
    const [u] = await trx
      .updateTable('alerts')
      .set({
        state: 'resolved',
        open_key: null,
        resolved_at: r.at,
        resolved_by: r.by,
        resolve_note: r.note,
        ...(r.valueJson ? { last_value_json: r.valueJson, last_value_at: r.at } : {}),
      })
      .where('id', '=', r.id)
      .where('state', '!=', 'resolved')
      .execute();
    if (Number(u?.numUpdatedRows ?? 0) === 0) return false;
    await addEvent(trx, r.id, { at: r.at, event: 'resolved', actor: r.by, note: r.note, valueJson: r.valueJson });
    await writeIntents(trx, r.intents);
    return true;
  }

  function baseAlertQuery() {
    return db.selectFrom('alerts').selectAll('alerts').select(deviceNameOf('alerts.device_id').as('device_name'));
  }

  return {
    insertRule: async (r: AlertRule) => void (await db.insertInto('alert_rules').values(fromRule(r)).execute()),
    updateRule: async (r: AlertRule) =>
      void (await db.updateTable('alert_rules').set(fromRule(r)).where('id', '=', r.id).execute()),
    async deleteRule(id: string) {
      const [r] = await db.deleteFrom('alert_rules').where('id', '=', id).execute();
      return Number(r?.numDeletedRows ?? 0) > 0;
    },
    async getRule(id: string) {
      const r = await db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRule(r) : null;
    },
    async ruleByName(name: string) {
      const r = await db.selectFrom('alert_rules').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toRule(r) : null;
    },
    listRules: async () => (await db.selectFrom('alert_rules').selectAll().orderBy('name').execute()).map(toRule),
    async openAlerts(): Promise<OpenAlert[]> {
      const rows = await db
        .selectFrom('alerts')
        .select([
          'id',
          'rule_id',
          'device_id',
          'state',
          'severity',
          'fired_at',
          'text',
          'flapping',
          'last_value_json',
          'last_value_at',
        ])
        .where('open_key', 'is not', null)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        ruleId: r.rule_id,
        deviceId: r.device_id,
        state: r.state as AlertState,
        severity: r.severity as AlertSeverity,
        firedAt: r.fired_at,
        text: r.text,
        flapping: r.flapping === 1,
        lastValueJson: r.last_value_json,
        lastValueAt: r.last_value_at,
      }));
    },
    async getAlert(id: string): Promise<AlertRow | null> {
      return (await baseAlertQuery().where('alerts.id', '=', id).executeTakeFirst()) ?? null;
    },
    async listAlerts(q: AlertQuery): Promise<AlertRow[]> {
      let s = baseAlertQuery().orderBy('alerts.fired_at', 'desc').orderBy('alerts.id', 'desc').limit(q.limit);
      if (q.states?.length) s = s.where('alerts.state', 'in', q.states);
      if (q.deviceId) s = s.where('alerts.device_id', '=', q.deviceId);
      const within = q.devices;
      if (within) s = s.where('alerts.device_id', 'in', deviceIdsWhere(within));
      if (q.ruleId) s = s.where('alerts.rule_id', '=', q.ruleId);
      if (q.severity) s = s.where('alerts.severity', '=', q.severity);
      const b = q.before;
      if (b)
        s = s.where((eb) =>
          eb.or([
            eb('alerts.fired_at', '<', b.firedAt),
            eb.and([eb('alerts.fired_at', '=', b.firedAt), eb('alerts.id', '<', b.id)]),
          ]),
        );
      return s.execute();
    },
    async history(alertId: string): Promise<AlertHistoryEntry[]> {
      const rows = await db
        .selectFrom('alert_events')
        .selectAll()
        .where('alert_id', '=', alertId)
        .orderBy('n')
        .execute();
      return rows.map((r) => ({
        at: r.at,
        event: r.event,
        actor: r.actor,
        note: r.note,
        value: JSON.parse(r.value_json) as unknown,
      }));
    },
    /** Applies an evaluation's changes; returns the ids that really changed (a concurrent hand-resolve wins). */
    async apply(c: AlertChanges): Promise<{ fired: string[]; resolved: string[] }> {
      const out = { fired: [] as string[], resolved: [] as string[] };
      if (!c.fired.length && !c.resolved.length && !c.values.length) return out;
      await db.transaction().execute(async (trx) => {
        for (const r of c.resolved) if (await resolveOne(trx, r)) out.resolved.push(r.id);
        for (const f of c.fired) {
          const [ins] = await trx
            .insertInto('alerts')
            .values({ ...f.row, open_key: `${f.row.rule_id}|${f.row.device_id}` })
            .onConflict((oc) => oc.column('open_key').doNothing())
            .execute();
          if (Number(ins?.numInsertedOrUpdatedRows ?? 0) === 0) continue;
          // A new alert's history starts here: its first event is number 1.
          await addEvent(
            trx,
            f.row.id,
            {
              at: f.row.fired_at,
              event: f.row.flapping ? 'fired_flapping' : 'fired',
              actor: 'system',
              note: null,
              valueJson: f.row.value_json,
            },
            1,
          );
          await writeIntents(trx, f.intents);
          out.fired.push(f.row.id);
        }
        for (const v of c.values)
          await trx
            .updateTable('alerts')
            .set({ last_value_json: v.valueJson, last_value_at: v.at })
            .where('id', '=', v.id)
            .execute();
      });
      return out;
    },
    async acknowledge(id: string, by: string, note: string | null, at: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const [u] = await trx
          .updateTable('alerts')
          .set({ state: 'acknowledged', acked_by: by, acked_at: at, ack_note: note })
          .where('id', '=', id)
          .where('state', '=', 'firing')
          .execute();
        if (Number(u?.numUpdatedRows ?? 0) === 0) return false;
        await addEvent(trx, id, { at, event: 'acknowledged', actor: by, note });
        return true;
      });
    },
    async resolveByHand(r: AlertChanges['resolved'][number]): Promise<boolean> {
      return db.transaction().execute((trx) => resolveOne(trx, r));
    },
    /** Open alerts by severity and state. */
    async openCounts(within: DeviceWhere | null = null) {
      let q = db
        .selectFrom('alerts')
        .select(['state', 'severity', (e) => e.fn.countAll().as('n')])
        .where('open_key', 'is not', null);
      if (within) q = q.where('device_id', 'in', deviceIdsWhere(within));
      return q.groupBy(['state', 'severity']).execute();
    },
    /** Open alerts per `site` tag of their device (null: no site). */
    async openPerSite(within: DeviceWhere | null = null) {
      const site = deviceSiteOf('alerts.device_id');
      let q = db
        .selectFrom('alerts')
        .select((e) => [site.as('site'), e.fn.countAll().as('n')])
        .where('open_key', 'is not', null);
      if (within) q = q.where('device_id', 'in', deviceIdsWhere(within));
      const rows = await q.groupBy(site).execute();
      return new Map(rows.map((r) => [r.site, Number(r.n)]));
    },
    /** Alerts fired since `sinceIso`, counted per hour (ISO text up to the hour: `2026-03-02T10`) and severity. */
    async firedPerHour(sinceIso: string, where: DeviceWhere | null) {
      let q = db
        .selectFrom('alerts')
        .select((e) => [
          e.fn<string>('substr', ['fired_at', e.val(1), e.val(13)]).as('hour'),
          'severity',
          e.fn.countAll().as('n'),
        ])
        .where('fired_at', '>=', sinceIso);
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      const rows = await q.groupBy(['hour', 'severity']).execute();
      return rows.map((r) => ({ hour: r.hour, severity: r.severity, n: Number(r.n) }));
    },
    /** Alerts fired in [from, to) on the devices a filter selects (null: all), for reports. */
    async firedBetween(fromIso: string, toIso: string, where: DeviceWhere | null) {
      let q = db
        .selectFrom('alerts')
        .select(['id', 'device_id', 'rule_name', 'rule_type', 'severity', 'fired_at', 'resolved_at', 'state', 'text'])
        .where('fired_at', '>=', fromIso)
        .where('fired_at', '<', toIso)
        .orderBy('fired_at');
      if (where) q = q.where('device_id', 'in', deviceIdsWhere(where));
      return q.execute();
    },
  };
}
