import { ALERTS_TOPIC_ROOT, DATA_TOPIC_ROOT, ErrorCode, INTEGRATION_CLIENT_PREFIX } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, HubError, NotFound, ValidationError } from '../../platform/errors.js';
import { newId, normalizeSerial } from '../../platform/ids.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { MqttIntegrationsTable } from './notifications.tables.js';
import { toIntegration, type MqttIntegrationsStore } from './mqtt-integrations.store.js';
import type { MqttIntegration } from './mqtt-integrations.store.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
// MQTT client ids of integrations; the CN of their certificate, like a device id.
export const INTEGRATION_PREFIX = INTEGRATION_CLIENT_PREFIX;

/** May an integration client subscribe to this topic filter? Only the alert and process data topics and below them. */
export function integrationMaySubscribe(topic: string): boolean {
  return [ALERTS_TOPIC_ROOT, DATA_TOPIC_ROOT].some((root) => topic === root || topic.startsWith(`${root}/`));
}

export interface IntegrationDeps {
  store: MqttIntegrationsStore;
  ca: {
    certPem: string;
    signDeviceCsr(
      csrPem: string,
      id: string,
      o?: { validityDays?: number },
    ): Promise<{ certPem: string; serial: string; notAfter: Date }>;
  };
  audit: AuditLog;
  clock: Clock;
  mqttUrl(): string;
  deviceExists(id: string): Promise<boolean>;
  disconnect(clientId: string): void;
}

export interface MqttIntegrations {
  create: (
    actor: Actor,
    input: {
      name: string;
      csrPem: string;
      validityDays?: number;
    },
  ) => Promise<{
    integration: MqttIntegration;
    certificatePem: string;
    caPem: string;
    mqttUrl: string;
    clientId: string;
    topic: string;
  }>;
  revoke: (actor: Actor, id: string) => Promise<void>;
  admit: (
    clientId: string,
    serial: string,
  ) => Promise<
    | {
        ok: true;
      }
    | {
        ok: false;
        reason: string;
      }
    | null
  >;
  maySubscribe: typeof integrationMaySubscribe;
  list: () => Promise<MqttIntegration[]>;
}

/**
 * Integrators' MQTT clients: a certificate from the hub CA (for a CSR they made, so their key
 * never leaves them) that lets them subscribe to the alert topic and do nothing else.
 */
export function createMqttIntegrations(d: IntegrationDeps): MqttIntegrations {
  async function create(actor: Actor, input: { name: string; csrPem: string; validityDays?: number }) {
    if (!NAME.test(input.name)) throw new ValidationError('name must be 1-40 of a-z, 0-9 and "-"', { path: '/name' });
    const clientId = `${INTEGRATION_PREFIX}${input.name}`;
    if (await d.store.byName(input.name))
      throw new Conflict(`an integration named "${input.name}" exists`, { path: '/name' });
    if (await d.deviceExists(clientId)) throw new Conflict(`a device is enrolled as "${clientId}"`, { path: '/name' });
    let issued: Awaited<ReturnType<IntegrationDeps['ca']['signDeviceCsr']>>;
    try {
      issued = await d.ca.signDeviceCsr(input.csrPem, clientId, { validityDays: input.validityDays ?? 365 });
    } catch (err) {
      throw new HubError(ErrorCode.CsrInvalid, `certificate request refused: ${(err as Error).message}`, {
        path: '/csrPem',
      });
    }
    const row: MqttIntegrationsTable = {
      id: newId('int'),
      name: input.name,
      client_id: clientId,
      cert_serial: normalizeSerial(issued.serial),
      not_after: issued.notAfter.toISOString(),
      revoked_at: null,
      created_by: actor.id,
      created_at: d.clock.now().toISOString(),
    };
    await d.store.insert(row);
    await d.audit.record({
      actor,
      action: 'mqtt_integration.create',
      target: `mqtt_integration:${row.id}`,
      details: { name: row.name, clientId, certSerial: row.cert_serial },
    });
    return {
      integration: toIntegration(row),
      certificatePem: issued.certPem,
      caPem: d.ca.certPem,
      mqttUrl: d.mqttUrl(),
      clientId,
      topic: `${ALERTS_TOPIC_ROOT}/#`,
    };
  }

  async function revoke(actor: Actor, id: string) {
    const r = await d.store.get(id);
    if (!r) throw new NotFound('MQTT integration', id);
    await d.store.revoke(id, d.clock.now().toISOString());
    d.disconnect(r.client_id);
    await d.audit.record({
      actor,
      action: 'mqtt_integration.revoke',
      target: `mqtt_integration:${id}`,
      details: { name: r.name },
    });
  }

  /** Broker admission: null when the certificate is not an integration's (then it may be a device's). */
  async function admit(clientId: string, serial: string): Promise<{ ok: true } | { ok: false; reason: string } | null> {
    const r = await d.store.bySerial(serial);
    if (!r) return null;
    if (r.client_id !== clientId) return { ok: false, reason: 'certificate_unknown' };
    if (r.revoked_at) return { ok: false, reason: 'certificate_revoked' };
    return { ok: true };
  }

  return {
    create,
    revoke,
    admit,
    maySubscribe: integrationMaySubscribe,
    list: () => d.store.list(),
  };
}
