import type { Db } from '../../storage/database.js';
import type { MqttIntegrationsTable } from './notifications.tables.js';

export interface MqttIntegration {
  id: string;
  name: string;
  clientId: string;
  certSerial: string;
  notAfter: string;
  revokedAt: string | null;
  createdBy: string;
  createdAt: string;
}

export const toIntegration = (r: MqttIntegrationsTable): MqttIntegration => ({
  id: r.id,
  name: r.name,
  clientId: r.client_id,
  certSerial: r.cert_serial,
  notAfter: r.not_after,
  revokedAt: r.revoked_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export interface MqttIntegrationsStore {
  insert(r: MqttIntegrationsTable): Promise<void>;
  byName(name: string): Promise<MqttIntegrationsTable | null>;
  get(id: string): Promise<MqttIntegrationsTable | null>;
  /** The integration whose client certificate has this serial. */
  bySerial(serial: string): Promise<MqttIntegrationsTable | null>;
  /** Marks it revoked at `at`, unless it already was. */
  revoke(id: string, at: string): Promise<void>;
  list(): Promise<MqttIntegration[]>;
}

export function createMqttIntegrationsStore(db: Db): MqttIntegrationsStore {
  /** The one row whose `column` holds `value`, or null. */
  const oneBy = async (column: 'id' | 'name' | 'cert_serial', value: string) =>
    (await db.selectFrom('mqtt_integrations').selectAll().where(column, '=', value).executeTakeFirst()) ?? null;
  return {
    async insert(r) {
      await db.insertInto('mqtt_integrations').values(r).execute();
    },
    byName: (name) => oneBy('name', name),
    get: (id) => oneBy('id', id),
    bySerial: (serial) => oneBy('cert_serial', serial),
    async revoke(id, at) {
      await db
        .updateTable('mqtt_integrations')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    list: async () =>
      (await db.selectFrom('mqtt_integrations').selectAll().orderBy('name').execute()).map(toIntegration),
  };
}
