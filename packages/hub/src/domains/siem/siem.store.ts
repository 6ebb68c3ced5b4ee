import type { Db } from '../../storage/database.js';
import type { SiemSinksTable } from './siem.tables.js';
import type { SiemSource } from './siem-event.js';
import type { SiemSinkKind } from '@outpost/protocol';

export type SinkKind = SiemSinkKind;

export interface StoredSink {
  id: string;
  name: string;
  kind: SinkKind;
  config: Record<string, unknown>;
  secretEnc: string | null;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  failures: number;
  nextAttemptAt: string | null;
  failingSince: string | null;
  lastError: string | null;
  lastDeliveredAt: string | null;
  deliveredTotal: number;
  alertedAt: string | null;
}

export type SinkState = Pick<
  StoredSink,
  'failures' | 'nextAttemptAt' | 'failingSince' | 'lastError' | 'lastDeliveredAt' | 'alertedAt'
>;

export interface SiemStore {
  list(): Promise<StoredSink[]>;
  get(id: string): Promise<StoredSink | null>;
  byName(name: string): Promise<StoredSink | null>;
  insert(s: StoredSink, cursors: Partial<Record<SiemSource, string>>): Promise<void>;
  update(
    id: string,
    patch: Partial<Pick<StoredSink, 'name' | 'config' | 'secretEnc' | 'enabled' | 'updatedAt'>>,
  ): Promise<void>;
  remove(id: string): Promise<boolean>;
  setState(id: string, state: Partial<SinkState>): Promise<void>;
  cursors(id: string): Promise<Partial<Record<SiemSource, string>>>;
  /** Moves one source's cursor and counts the delivered events, in one transaction. */
  advance(id: string, source: SiemSource, position: string, delivered: number, at: string): Promise<void>;
}

function fromRow(r: SiemSinksTable): StoredSink {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as SinkKind,
    config: JSON.parse(r.config_json) as Record<string, unknown>,
    secretEnc: r.secret_enc,
    enabled: Boolean(r.enabled),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    failures: Number(r.failures),
    nextAttemptAt: r.next_attempt_at,
    failingSince: r.failing_since,
    lastError: r.last_error,
    lastDeliveredAt: r.last_delivered_at,
    deliveredTotal: Number(r.delivered_total),
    alertedAt: r.alerted_at,
  };
}

const STATE_COLUMNS = {
  failures: 'failures',
  nextAttemptAt: 'next_attempt_at',
  failingSince: 'failing_since',
  lastError: 'last_error',
  lastDeliveredAt: 'last_delivered_at',
  alertedAt: 'alerted_at',
} as const;

export function createSiemStore(db: Db): SiemStore {
  return {
    async list() {
      return (await db.selectFrom('siem_sinks').selectAll().orderBy('name').execute()).map(fromRow);
    },
    async get(id) {
      const r = await db.selectFrom('siem_sinks').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? fromRow(r) : null;
    },
    async byName(name) {
      const r = await db.selectFrom('siem_sinks').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? fromRow(r) : null;
    },
    async insert(s, cursors) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('siem_sinks')
          .values({
            id: s.id,
            name: s.name,
            kind: s.kind,
            config_json: JSON.stringify(s.config),
            secret_enc: s.secretEnc,
            enabled: s.enabled ? 1 : 0,
            created_by: s.createdBy,
            created_at: s.createdAt,
            updated_at: s.updatedAt,
            failures: 0,
            delivered_total: 0,
          })
          .execute();
        const rows = Object.entries(cursors).map(([source, position]) => ({ sink_id: s.id, source, position }));
        if (rows.length) await trx.insertInto('siem_cursors').values(rows).execute();
      });
    },
    async update(id, p) {
      await db
        .updateTable('siem_sinks')
        .set({
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.config !== undefined ? { config_json: JSON.stringify(p.config) } : {}),
          ...(p.secretEnc !== undefined ? { secret_enc: p.secretEnc } : {}),
          ...(p.enabled !== undefined ? { enabled: p.enabled ? 1 : 0 } : {}),
          ...(p.updatedAt !== undefined ? { updated_at: p.updatedAt } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async remove(id) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('siem_cursors').where('sink_id', '=', id).execute();
        const r = await trx.deleteFrom('siem_sinks').where('id', '=', id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      });
    },
    async setState(id, state) {
      const set: Record<string, unknown> = {};
      for (const [k, col] of Object.entries(STATE_COLUMNS)) if (k in state) set[col] = state[k as keyof SinkState];
      if (Object.keys(set).length) await db.updateTable('siem_sinks').set(set).where('id', '=', id).execute();
    },
    async cursors(id) {
      const rows = await db
        .selectFrom('siem_cursors')
        .select(['source', 'position'])
        .where('sink_id', '=', id)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.source, r.position]));
    },
    async advance(id, source, position, delivered, at) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('siem_cursors')
          .values({ sink_id: id, source, position })
          .onConflict((oc) => oc.columns(['sink_id', 'source']).doUpdateSet({ position }))
          .execute();
        await trx
          .updateTable('siem_sinks')
          .set((eb) => ({
            delivered_total: eb('delivered_total', '+', delivered),
            last_delivered_at: at,
            failures: 0,
            next_attempt_at: null,
            failing_since: null,
            last_error: null,
          }))
          .where('id', '=', id)
          .execute();
      });
    },
  };
}
