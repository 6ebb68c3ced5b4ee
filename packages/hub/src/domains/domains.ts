import type { HubConfig } from '../config/config.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Scheduler } from '../platform/scheduler.js';
import type { Db } from '../storage/database.js';
import type { HubMetrics } from '../http/metrics.js';
import type { DeviceBus } from '../mqtt/device-bus.js';
import { createAuditLog } from './audit/audit.log.js';
import { createUsersStore } from './users/users.store.js';
import { createUsersService } from './users/users.service.js';
import { createDevicesStore } from './devices/devices.store.js';
import { createDevicesService } from './devices/devices.service.js';
import { createDeviceSelector } from './devices/device-selector.js';
import { createIngestWriter } from './devices/ingest.writer.js';
import { createDeviceGateway, type GatewayHooks } from './devices/devices.gateway.js';
import { createGroupsStore } from './groups/groups.store.js';
import { createGroupsService } from './groups/groups.service.js';
import { createEnrollmentStore } from './enrollment/enrollment.store.js';
import { createCertificatesStore } from './enrollment/certificates.store.js';
import { createEnrollmentService, type DeviceCertificateIssuer } from './enrollment/enrollment.service.js';
import { createCommandsStore } from './commands/commands.store.js';
import { createCommandsService } from './commands/commands.service.js';

export interface DomainDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: HubMetrics;
  bus: DeviceBus;
  ca: DeviceCertificateIssuer;
  config: HubConfig;
  /** Key-encryption key: for secrets other domains keep encrypted at rest (AES-256-GCM). */
  kek: Buffer;
  scheduler: Scheduler;
  endpoints(): { mqttUrl: string; httpUrl: string };
}

/** Builds every domain service from its stores and ports. The only place that wires them. */
export function createDomains({ db, clock, logger, metrics, bus, ca, config, scheduler, endpoints }: DomainDeps) {
  const audit = createAuditLog({ db, clock });
  const users = createUsersService({
    store: createUsersStore(db),
    audit,
    clock,
    sessionTtlMinutes: config.sessionTtlMinutes,
    loginMaxFailures: config.loginMaxFailures,
    loginWindowMinutes: config.loginWindowMinutes,
  });
  const devicesStore = createDevicesStore(db);
  const groupsStore = createGroupsStore(db);
  const certificates = createCertificatesStore(db);
  const selector = createDeviceSelector({ groups: groupsStore, clock });
  const devices = createDevicesService({ store: devicesStore, certificates, selector, bus, audit, clock });
  const groups = createGroupsService({ store: groupsStore, devices: devicesStore, selector, audit, clock });
  // The gateway is built below; commands ask it through this late-bound function.
  const isReady = (id: string) => gateway.isReady(id);
  const commands = createCommandsService({ store: createCommandsStore(db), devices: devicesStore, selector, bus, isReady, audit, clock, logger });
  const enrollment = createEnrollmentService({
    tokens: createEnrollmentStore(db),
    certificates,
    devices: devicesStore,
    ca,
    audit,
    clock,
    certDays: config.deviceCertDays,
    staticGroupId: async (path) => {
      const g = await groupsStore.byPath(path);
      return g && g.kind === 'static' ? g.id : null;
    },
    endpoints,
  });
  // Domains plug into device traffic here instead of editing the gateway.
  const topicHandlers = new Map<string, (deviceId: string, payload: Buffer) => Promise<void>>();
  const readyListeners: Array<(deviceId: string) => void> = [];
  const offlineListeners: Array<(deviceId: string) => void> = [];
  const hooks: GatewayHooks = {
    onTopic: (suffix, handler) => void topicHandlers.set(suffix, handler),
    onReady: (l) => void readyListeners.push(l),
    onOffline: (l) => void offlineListeners.push(l),
  };
  hooks.onReady((id) => void commands.deliverPending(id).catch((err: unknown) => logger.warn({ err, id }, 'pending command delivery failed')));
  const ingest = createIngestWriter({ write: (b) => devicesStore.writeBatch(b), flushMs: config.ingestFlushMs, logger });
  const gateway = createDeviceGateway({
    ingest,
    audit,
    clock,
    logger,
    metrics,
    heartbeatFactor: config.heartbeatFactor,
    onCommandResult: commands.onResult,
    onReady: (id) => readyListeners.forEach((l) => l(id)),
    onOffline: (id) => offlineListeners.forEach((l) => l(id)),
    topicHandlers,
  });

  /** A device may connect only with a certificate this hub issued to it and has not revoked. */
  async function admitDevice(deviceId: string, serial: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const cert = await certificates.get(serial);
    if (!cert || cert.deviceId !== deviceId) return { ok: false, reason: 'certificate_unknown' };
    if (cert.revokedAt) return { ok: false, reason: 'certificate_revoked' };
    const dev = await devicesStore.get(deviceId);
    if (!dev || dev.decommissioned) return { ok: false, reason: 'device_decommissioned' };
    return { ok: true };
  }

  // Refusals are audited, but a device hammering the broker must not flood the log.
  const lastRefusal = new Map<string, number>();
  function onDeviceRefused(deviceId: string, reason: string, ip: string | null) {
    const key = `${deviceId}:${reason}`;
    const now = clock.now().getTime();
    if ((lastRefusal.get(key) ?? 0) > now - 60_000) return;
    lastRefusal.set(key, now);
    if (lastRefusal.size > 10_000) lastRefusal.clear();
    void audit.record({ actor: { type: 'device', id: deviceId.slice(0, 64) || 'unknown', sourceIp: ip }, action: 'device.refused', target: `device:${deviceId.slice(0, 64)}`, outcome: 'denied', details: { reason } });
  }

  scheduler.every('commands.expire', 1000, () => commands.expire());

  return { audit, users, devices, devicesStore, groups, commands, enrollment, ingest, gateway, hooks, selector, admitDevice, onDeviceRefused };
}
