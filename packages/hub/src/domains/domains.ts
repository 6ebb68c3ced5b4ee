import { join } from 'node:path';
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
import { createMembershipEvents } from './devices/membership-events.js';
import { createDeviceGateway, type GatewayHooks } from './devices/devices.gateway.js';
import { createGroupsStore } from './groups/groups.store.js';
import { createGroupsService } from './groups/groups.service.js';
import { createEnrollmentStore } from './enrollment/enrollment.store.js';
import { createCertificatesStore } from './enrollment/certificates.store.js';
import { createEnrollmentService, type DeviceCertificateIssuer } from './enrollment/enrollment.service.js';
import { createCommandsStore } from './commands/commands.store.js';
import { createCommandsService } from './commands/commands.service.js';
import { createGuardStore } from './guard/guard.store.js';
import { createGuardService } from './guard/guard.service.js';
import { createGuardKeysStore } from './guard/guard-keys.store.js';
import { grantStepUp } from './guard/guard-step-up.js';
import { stepUpIfEnrolled } from './users/step-up.js';
import { createMfaStore } from './users/mfa.store.js';
import { createMfaService } from './users/mfa.service.js';
import { createUserScopeStore } from './users/user-scope.store.js';
import { createAccessPoliciesStore } from './access/access-policies.store.js';
import { createAccessPoliciesService } from './access/access-policies.service.js';
import { createAccessSessionsStore } from './access/access-sessions.store.js';
import { createAccessService } from './access/access.service.js';
import { createConfigsDomain } from './configs/configs.wiring.js';
import { createUpdatesDomain } from './updates/updates.wiring.js';
import { createLiveDomain } from './live/live.wiring.js';
import { createMonitoringDomain } from './monitoring/monitoring.wiring.js';
import { createViewsStore } from './views/views.store.js';
import { createViewsService } from './views/views.service.js';

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
export function createDomains({ db, clock, logger, metrics, bus, ca, config, kek, scheduler, endpoints }: DomainDeps) {
  const audit = createAuditLog({ db, clock });
  const usersStore = createUsersStore(db);
  const mfa = createMfaService({
    store: createMfaStore(db),
    users: usersStore,
    audit,
    clock,
    kek,
    issuer: `Outpost ${config.publicHost}`,
    maxFailures: config.loginMaxFailures,
    windowMinutes: config.loginWindowMinutes,
  });
  const users = createUsersService({
    store: usersStore,
    audit,
    clock,
    sessionTtlMinutes: config.sessionTtlMinutes,
    loginMaxFailures: config.loginMaxFailures,
    loginWindowMinutes: config.loginWindowMinutes,
    mfa,
    scopes: createUserScopeStore(db),
  });
  const devicesStore = createDevicesStore(db);
  const groupsStore = createGroupsStore(db);
  const certificates = createCertificatesStore(db);
  const selector = createDeviceSelector({ groups: groupsStore, clock });
  // Who is in which group changed (tags, static members, group filters, reported attributes): coalesced passes.
  const membership = createMembershipEvents({ logger });
  const devices = createDevicesService({ store: devicesStore, certificates, selector, bus, audit, clock, membership });
  const groups = createGroupsService({ store: groupsStore, devices: devicesStore, selector, audit, clock, membership });
  const views = createViewsService({ store: createViewsStore(db), selector, audit, clock });
  // The gateway is built below; commands ask it through this late-bound function.
  const isReady = (id: string) => gateway.isReady(id);
  const commands = createCommandsService({ store: createCommandsStore(db), devices: devicesStore, selector, bus, isReady, audit, clock, logger });
  const guard = createGuardService({
    store: createGuardStore(db), keys: createGuardKeysStore(db), devices: devicesStore, groups: groupsStore, selector, bus, audit, clock, logger, kek,
    // A code sent with a grant request is verified by the MFA service's step-up.
    requireFreshMfa: grantStepUp(clock, mfa.stepUp),
  });
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
    guardKeyPem: async () => (await guard.publicKey()).publicKeyPem,
    updateRoot: async () => (await updates.trust.current()) ?? undefined,
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
  hooks.onReady((id) => void guard.onReady(id).catch((err: unknown) => logger.warn({ err, id }, 'guard document delivery failed')));
  // Rollouts and alerts announce their changes; the live stream reads them back, coalesced.
  const live = createLiveDomain({
    db, clock, logger, hooks,
    progress: {
      rolloutProgress: (id) => updates.rollouts.progress(id),
      alertCounts: async () => {
        const { open, firing, acknowledged, bySeverity } = await monitoring.alerts.summary();
        return { open, firing, acknowledged, bySeverity };
      },
    },
  });
  const updates = createUpdatesDomain({
    db, clock, logger, bus, kek, scheduler, audit, devicesStore, selector, hooks, isReady, config, endpoints,
    admitDevice: (id, serial) => admitDevice(id, serial),
    onRefused: (id, reason, ip) => onDeviceRefused(id, reason, ip),
    stepUp: stepUpIfEnrolled(clock, mfa.stepUp),
    onRolloutChange: (id) => live.rolloutChanged(id),
  });
  const configs = createConfigsDomain({ db, clock, logger, bus, kek, scheduler, audit, devicesStore, selector, hooks, scanIntervalS: config.complianceScanIntervalS });
  membership.subscribe((change) => guard.membershipChanged(change));
  membership.subscribe((change) => configs.compliance.refresh(change === 'all' ? undefined : [...change]));
  scheduler.every('membership.changes', 250, () => membership.flush());
  const monitoring = createMonitoringDomain({
    db, clock, logger, metrics, config, kek, scheduler, audit, selector, hooks,
    publishTopic: (topic, payload, qos) => (bus.publishHubTopic ? bus.publishHubTopic(topic, payload, { qos }) : Promise.reject(new Error('no broker for hub topics'))),
    httpUrl: () => endpoints().httpUrl,
    mqttUrl: () => endpoints().mqttUrl,
    ca,
    deviceExists: (id) => devicesStore.exists(id),
    disconnect: (id) => bus.disconnect(id),
    onAlertsChange: () => live.alertsChanged(),
  });
  const ingest = createIngestWriter({ write: async (b) => membership.changed((await devicesStore.writeBatch(b)).attributesChanged), flushMs: config.ingestFlushMs, clock, logger });
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
    // TLS checks validity on a full handshake only; a resumed session carries the certificate it began with.
    if (Date.parse(cert.notAfter) <= clock.now().getTime()) return { ok: false, reason: 'certificate_expired' };
    if (!(await devicesStore.isActive(deviceId))) return { ok: false, reason: 'device_decommissioned' };
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

  const accessPolicyStore = createAccessPoliciesStore(db);
  const accessPolicies = createAccessPoliciesService({ store: accessPolicyStore, devices: devicesStore, selector, audit, clock });
  const access = createAccessService({
    sessions: createAccessSessionsStore(db),
    policyStore: accessPolicyStore,
    policies: accessPolicies,
    devices: devicesStore,
    selector,
    users: { groupScope: users.groupScope, stepUp: mfa.stepUp },
    bus,
    isReady,
    httpUrl: () => endpoints().httpUrl,
    audit,
    clock,
    logger,
    recordingsDir: join(config.dataDir, 'recordings'),
  });
  scheduler.every('access.sweep', 1000, () => access.sweep());
  scheduler.every('access.retention', 3_600_000, () => access.purgeRecordings());

  return { clock, audit, users, mfa, devices, devicesStore, groups, views, commands, enrollment, guard, access, accessPolicies, configs, updates, live, monitoring, ingest, gateway, hooks, selector, admitDevice, onDeviceRefused };
}
