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
  insert: (r: MqttIntegrationsTable) => Promise<undefined>;
  byName: (name: string) => Promise<{
    name: string;
    id: string;
    not_after: string;
    created_at: string;
    created_by: string;
    cert_serial: string;
    revoked_at: string | null;
    client_id: string;
  } | null>;
  get: (id: string) => Promise<{
    name: string;
    id: string;
    not_after: string;
    created_at: string;
    created_by: string;
    cert_serial: string;
    revoked_at: string | null;
    client_id: string;
  } | null>;
  bySerial: (serial: string) => Promise<{
    name: string;
    id: string;
    not_after: string;
    created_at: string;
    created_by: string;
    cert_serial: string;
    revoked_at: string | null;
    client_id: string;
  } | null>;
  revoke: (id: string, at: string) => Promise<undefined>;
  list: () => Promise<MqttIntegration[]>;
}

export function createMqttIntegrationsStore(db: Db): MqttIntegrationsStore {
  return {
    insert: async (r: MqttIntegrationsTable) => void (await db.insertInto('mqtt_integrations').values(r).execute()),
    byName: async (name: string) =>
      (await db.selectFrom('mqtt_integrations').selectAll().where('name', '=', name).executeTakeFirst()) ?? null,
    get: async (id: string) =>
      (await db.selectFrom('mqtt_integrations').selectAll().where('id', '=', id).executeTakeFirst()) ?? null,
    bySerial: async (serial: string) =>
      (await db.selectFrom('mqtt_integrations').selectAll().where('cert_serial', '=', serial).executeTakeFirst()) ??
      null,
    revoke: async (id: string, at: string) =>
      void (await db
        .updateTable('mqtt_integrations')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute()),
    list: async () =>
      (await db.selectFrom('mqtt_integrations').selectAll().orderBy('name').execute()).map(toIntegration),
  };
}
