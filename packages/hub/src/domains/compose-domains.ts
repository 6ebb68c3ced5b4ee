import type { FastifyInstance } from 'fastify';
import type { Job, TopicHandler } from '../platform/module.js';
import { stepUpCheck } from '../platform/step-up.js';
import { automationsModule } from './automations/automations.module.js';
import { brokersModule } from './brokers/brokers.module.js';
import { createDeviceGateway } from './devices/devices.gateway.js';
import { filesModule } from './files/files.module.js';
import { limitsModule } from './limits/limits.module.js';
import { sharingModule } from './sharing/sharing.module.js';
import { createDomainFoundation, moduleCollector, type ComposeContext } from './domain-foundation.js';
import { composeDeviceDomains, type LaterPorts } from './compose-device-domains.js';
import { composeMonitoringDomains } from './compose-monitoring-domains.js';
import { automationsWiring } from './automations-wiring.js';

// The hub is the list of modules (hub-modules.ts). Everything the hub runs of them is a fold over
// what they return: migrations, routes, device topic handlers, background jobs, reactions to
// devices coming and going, stop hooks. `composeDomains` builds them in dependency order, in
// stages (the device domains, then those that watch the fleet, then the rest), and hands each only
// the narrowed ports it declares; domains talk back through domain events, never through
// references to modules built after them.

/** Builds every module from the platform and folds what they contribute. */
export function composeDomains(ctx: ComposeContext) {
  const { clock, logger } = ctx;
  const m = moduleCollector();
  const f = createDomainFoundation(ctx);
  const { devicesStore, certificates, selector, scopes, history } = f;
  // Asked only at run time: readiness is the gateway's, built last from every module's topics.
  const later: LaterPorts = {
    isReady: (id) => gateway.isReady(id),
    brokerMoveOf: (id) => brokers.lastMove(id),
    openAlerts: (where) => monitoring.alerts.store.openCounts(where),
    fleetHealth: (scope, filter) => monitoring.health.health.fleetHealth(scope, filter),
  };
  const isReady = later.isReady;
  const device = composeDeviceDomains(ctx, m, f, later);
  const { audit, users, mfa, scopeOf, devices, groups, views, diagnostics, enrollment, pki } = device;
  const { stepUp, admission, commands, guard, access, accessPolicies, updates, ingest } = device;
  const monitoring = composeMonitoringDomains(ctx, m, f, device);
  const { configs, notify, health, traffic, cellular, geofences, location, streams } = monitoring;
  const { alerts, reports, siem, live } = monitoring;

  // Device files: the `files` command rings the device through the commands domain; the bytes go over HTTPS.
  const files = m.use(
    filesModule.create({
      ...ctx,
      devices: devicesStore,
      selector,
      isReady,
      blobs: device.blobs,
      admission,
      audit,
      stepUp,
      sendCommand: async (actor, deviceId, name, args, timeoutS) =>
        void (await commands.send(actor, scopes.all, { deviceId }, { name, args, timeoutS })),
    }),
  );

  const automations = m.use(automationsModule.create(automationsWiring(ctx, f, device, monitoring)));

  // Process data shared with SCADA (Sparkplug B, OPC UA): reads the streams, writes through commands.
  const { sharing } = m.use(
    sharingModule.create({
      ...ctx,
      streams,
      commands,
      scope: scopes.all,
      isOnline: isReady,
      siteOf: async (id) => {
        const dev = await devicesStore.get(id);
        return dev?.tags.site ?? dev?.groups[0] ?? 'devices';
      },
      healthOf: async (ids) =>
        new Map((await health.health.devicesHealth(null, ids)).items.map((i) => [i.deviceId, i.state])),
      audit,
    }),
  );

  // Moving devices between external brokers: instructions signed by the guard's document-signing key.
  const brokers = m.use(
    brokersModule.create({
      ...ctx,
      caPem: () => ctx.ca.certPem,
      sign: (bytes) => guard.signForDevice(bytes),
      deviceExists: (id) => devicesStore.exists(id),
      lastEvent: (id, type) => history.lastEvent(id, type),
      stepUp: stepUpCheck(stepUp),
      audit,
    }),
  );

  const topicHandlers = new Map<string, TopicHandler>();
  for (const p of m.parts)
    for (const [suffix, handler] of Object.entries(p.topics ?? {})) topicHandlers.set(suffix, handler);
  const gateway = createDeviceGateway({
    ingest,
    audit,
    clock,
    logger,
    metrics: ctx.metrics,
    heartbeatFactor: ctx.config.heartbeatFactor,
    onCommandResult: commands.onResult,
    onReady: (id) => m.parts.forEach((p) => p.onDeviceReady?.(id)),
    onOffline: (id) => m.parts.forEach((p) => p.onDeviceOffline?.(id)),
    topicHandlers,
    rateLimit: { perMinute: ctx.config.deviceMessagesPerMinute, burst: ctx.config.deviceMessageBurst },
    storedHealthIntervalS: (id) => devicesStore.healthIntervalS(id),
  });

  const limits = m.use(limitsModule.create(ctx));

  return {
    /** Revoked device certificates not yet expired: what an external broker's revocation list names. */
    revokedCertificates: (now: string) => certificates.revokedUnexpired(now),
    audit,
    users,
    scopes,
    /** The devices a caller may see: its group scope, evaluated per request (dynamic groups now). */
    scopeOf,
    mfa,
    devices,
    devicesStore,
    groups,
    views,
    commands,
    diagnostics,
    enrollment,
    pki,
    guard,
    access,
    accessPolicies,
    configs,
    updates,
    live,
    files,
    notifications: notify,
    health,
    traffic,
    cellular,
    geofences,
    location: location.location,
    streams,
    sharing,
    alerts,
    reports,
    siem,
    automations,
    brokers,
    /** The API's per-caller request limit (http/rate-limit.ts). */
    limits,
    ingest,
    gateway,
    admission,
    /** Every module's routes, registered on the API server. */
    registerRoutes: (app: FastifyInstance) => m.parts.forEach((p) => p.routes?.(app)),
    /** Every module's background jobs. */
    jobs: (): Job[] => m.parts.flatMap((p) => p.jobs ?? []),
    /** Every module's stop hook, in reverse order of creation. */
    stop: async () => {
      for (const p of [...m.parts].reverse()) await p.stop?.();
    },
  };
}

export type Domains = ReturnType<typeof composeDomains>;
