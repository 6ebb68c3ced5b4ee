import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { ReplicaChannel } from '../platform/replica-channel.js';
import { foldMigrations, type Job, type ModuleParts, type TopicHandler } from '../platform/module.js';
import { openPostgres, openSqlite, type Db } from '../storage/database.js';
import { coreMigrations } from '../storage/migrations.js';
import { accessModule } from './access/access.module.js';
import { automationsModule } from './automations/automations.module.js';
import type { AutomationConfigs } from './automations/index.js';
import { narrowFilterText } from '../platform/scope-reach.js';
import { alertsModule } from './alerts/alerts.module.js';
import { auditModule } from './audit/audit.module.js';
import { commandsModule } from './commands/commands.module.js';
import { configsModule } from './configs/configs.module.js';
import { diagnosticsModule } from './diagnostics/diagnostics.module.js';
import { createDeviceGateway } from './devices/devices.gateway.js';
import { devicesModule } from './devices/devices.module.js';
import { createDevicesStore } from './devices/devices.store.js';
import {
  createDeviceFacts,
  createDeviceHistory,
  createDeviceScopes,
  createDeviceSelector,
  createFleetSnapshotStore,
} from './devices/index.js';
import type { Principal } from './users/index.js';
import { createCertificatesStore, createCertRenewalsStore, createDeviceAdmission } from './enrollment/index.js';
import { enrollmentModule } from './enrollment/enrollment.module.js';
import { pkiModule } from './pki/pki.module.js';
import type { CaSet } from './pki/index.js';
import { certRenewalRule } from './alerts/rule-types/cert-renewal.rule.js';
import { caRetiringRule } from './alerts/rule-types/ca-retiring.rule.js';
import { fleetModule } from './fleet/fleet.module.js';
import { groupsModule } from './groups/groups.module.js';
import { accessPolicyGroupReferences } from './access/group-references.js';
import { alertRuleGroupReferences } from './alerts/group-references.js';
import { automationGroupReferences } from './automations/group-references.js';
import { configGroupReferences } from './configs/group-references.js';
import { enrollmentTokenGroupReferences } from './enrollment/group-references.js';
import { guardPolicyGroupReferences } from './guard/group-references.js';
import { reportScheduleGroupReferences } from './reports/group-references.js';
import { rolloutGroupReferences } from './updates/group-references.js';
import { userScopeGroupReferences } from './users/group-references.js';
import { savedViewGroupReferences } from './views/group-references.js';
import { createGroupsStore } from './groups/groups.store.js';
import { guardModule } from './guard/guard.module.js';
import { healthModule } from './health/health.module.js';
import type { HubContext } from './hub-context.js';
import { createAuditTail } from './audit/index.js';
import { createComplianceReads } from './configs/index.js';
import { createRolloutFailureReads, createRolloutMarkReads, createRolloutNameReads } from './updates/index.js';
import { createCommandMarkReads } from './commands/index.js';
import { createAlertMarkReads } from './alerts/index.js';
import { liveModule } from './live/live.module.js';
import { notificationsModule } from './notifications/notifications.module.js';
import { reportsModule } from './reports/reports.module.js';
import { siemModule } from './siem/siem.module.js';
import { sharingModule } from './sharing/sharing.module.js';
import { createDeviceEventsExport } from './devices/device-events.export.js';
import { createAlertEventsExport } from './alerts/alert-events.export.js';
import { trafficModule } from './traffic/traffic.module.js';
import { cellularModule } from './cellular/cellular.module.js';
import { locationModule } from './location/location.module.js';
import { streamsModule } from './streams/streams.module.js';
import { cellSignalRule, cellularChangeRule } from './alerts/rule-types/cellular.rules.js';
import { usageSpikeRule } from './alerts/rule-types/usage-spike.rule.js';
import { cellularGroupPlanReferences } from './cellular/group-references.js';
import { createCellularInventory, createDataLatestIndex, createDeviceLocations } from './devices/index.js';
import { fieldFirmwareRule } from './alerts/rule-types/field-firmware.rule.js';
import { dataMonitorRules } from './alerts/rule-types/data.rules.js';
import { createFieldAssetsStore } from './guard/field-assets.store.js';
import { updatesModule } from './updates/updates.module.js';
import { usersModule } from './users/users.module.js';
import { viewsModule } from './views/views.module.js';
import { filesModule } from './files/files.module.js';
import { limitsModule } from './limits/limits.module.js';
import { blobsModule } from './blobs/blobs.module.js';
import { brokersModule } from './brokers/brokers.module.js';
import { stepUpCheck } from '../platform/step-up.js';
import { geofencesModule } from './geofences/geofences.module.js';
import { geofenceGroupReferences } from './geofences/index.js';
import { geofenceRule } from './alerts/rule-types/geofence.rule.js';

// The hub is this list of modules. Everything the hub runs of them is a fold over what they
// return: migrations, routes, device topic handlers, background jobs, reactions to devices
// coming and going, stop hooks. `composeDomains` builds them in dependency order and hands each
// only the narrowed ports it declares; domains talk back through domain events, never through
// references to modules built after them.

export const HUB_MODULES = [
  auditModule,
  usersModule,
  devicesModule,
  groupsModule,
  viewsModule,
  commandsModule,
  diagnosticsModule,
  guardModule,
  updatesModule,
  enrollmentModule,
  pkiModule,
  accessModule,
  configsModule,
  notificationsModule,
  healthModule,
  trafficModule,
  cellularModule,
  locationModule,
  streamsModule,
  geofencesModule,
  alertsModule,
  reportsModule,
  fleetModule,
  liveModule,
  siemModule,
  filesModule,
  automationsModule,
  sharingModule,
  brokersModule,
  limitsModule,
  blobsModule,
] as const;

/** Every migration of the hub: the core ones and each module's. */
export function hubMigrations(): Record<string, Migration> {
  return foldMigrations(coreMigrations, [...HUB_MODULES]);
}

/** Builds every module from the platform and folds what they contribute. */
export function composeDomains(ctx: HubContext & { ca: CaSet; replicas?: ReplicaChannel }) {
  const { db, clock, logger } = ctx;
  const parts: ModuleParts[] = [];
  const use = <A>(built: { api: A; parts: ModuleParts }): A => {
    parts.push(built.parts);
    return built.api;
  };
  // The inventory's stores come first: every domain reads devices through them, and the filter
  // language resolves group membership through the groups store.
  const devicesStore = createDevicesStore(db);
  const groupsStore = createGroupsStore(db);
  const certificates = createCertificatesStore(db);
  const selector = createDeviceSelector({ groups: groupsStore, clock });
  const compliance = createComplianceReads(db);
  const scopes = createDeviceScopes({ selector, devices: devicesStore });
  const fleet = createFleetSnapshotStore(db);
  // What devices reported over time and the inventory's facts, asked by the domains that watch them.
  const history = createDeviceHistory(db);
  const facts = createDeviceFacts(db);
  // What other domains keep about one device, drawn on its charts.
  const commandMarks = createCommandMarkReads(db);
  const rolloutMarks = createRolloutMarkReads(db);
  const alertMarks = createAlertMarkReads(db);
  // Readiness is the gateway's, built last from every module's topics; asked only at run time.
  const isReady = (id: string) => gateway.isReady(id);

  const audit = use(auditModule.create(ctx));
  const { blobs } = use(blobsModule.create(ctx));
  const renewals = createCertRenewalsStore(db);
  const admission = createDeviceAdmission({
    certificates,
    renewals,
    setCertificate: (id, serial, notAfter) => devicesStore.setCertificate(id, serial, notAfter),
    isActive: (id) => devicesStore.isActive(id),
    isCaRetired: (caId) => ctx.ca.isRetired(caId),
    audit,
    clock,
  });
  const { users, mfa, stepUp } = use(usersModule.create({ ...ctx, audit }));
  const scopeOf = async (p: Principal) => scopes.of(await users.groupScope(p.userId));
  const { devices, ingest, membership } = use(
    devicesModule.create({
      ...ctx,
      store: devicesStore,
      certificates,
      selector,
      audit,
      timeline: {
        reboots: (...r) => commandMarks.rebootsOf(...r),
        updates: (...r) => rolloutMarks.endedJobsOf(...r),
        alerts: (...r) => alertMarks.firedOf(...r),
      },
      brokerMoveOf: (id) => brokers.lastMove(id),
    }),
  );
  const groups = use(
    groupsModule.create({
      ...ctx,
      store: groupsStore,
      devices: devicesStore,
      selector,
      membership,
      audit,
      stepUp,
      // Read when a roll-up is asked, by which time every module below exists.
      rollup: {
        presence: (where) => facts.presenceCounts(where),
        firmwareByModel: (limit, where) => facts.firmwareByModel(limit, where),
        openAlerts: (where) => alerts.store.openCounts(where),
        compliance: (where) => compliance.stateCounts(where),
        health: (scope, filter) => health.health.fleetHealth(scope, filter),
      },
      // Every stored group path and filter outside the groups domain; a rename rewrites them together.
      references: [
        userScopeGroupReferences,
        enrollmentTokenGroupReferences,
        accessPolicyGroupReferences,
        alertRuleGroupReferences,
        savedViewGroupReferences,
        automationGroupReferences,
        configGroupReferences,
        rolloutGroupReferences,
        guardPolicyGroupReferences,
        reportScheduleGroupReferences,
        geofenceGroupReferences,
        cellularGroupPlanReferences,
      ],
    }),
  );
  const views = use(viewsModule.create({ ...ctx, selector, audit }));
  const commands = use(commandsModule.create({ ...ctx, devices: devicesStore, selector, isReady, audit }));
  const diagnostics = use(
    diagnosticsModule.create({
      ...ctx,
      devices: devicesStore,
      selector,
      facts,
      isReady,
      dispatchAndWait: commands.dispatchAndWait,
      audit,
    }),
  );
  const guard = use(
    guardModule.create({
      ...ctx,
      devices: devicesStore,
      groups: groupsStore,
      deviceEvents: history,
      selector,
      audit,
      stepUp,
    }),
  );
  const updates = use(
    updatesModule.create({
      ...ctx,
      blobs,
      devices: devicesStore,
      facts,
      selector,
      isReady,
      admission,
      audit,
      stepUp,
    }),
  );
  const enrollment = use(
    enrollmentModule.create({
      ...ctx,
      certificates,
      renewals,
      devices: devicesStore,
      audit,
      staticGroupId: async (path) => {
        const g = await groupsStore.byPath(path);
        return g && g.kind === 'static' ? g.id : null;
      },
      guardKeyPem: async () => (await guard.publicKey()).publicKeyPem,
      updateRoot: async () => (await updates.trust.current()) ?? undefined,
    }),
  );
  const pki = use(
    pkiModule.create({
      ...ctx,
      cas: ctx.ca,
      dependents: {
        liveByCa: (now, where) => certificates.liveByCa(now, where),
        revokeAllOfCa: (caId, at, reason) => certificates.revokeAllOfCa(caId, at, reason),
        devicesOnCas: (caIds, now, limit) => certificates.devicesOnCas(caIds, now, limit),
        lapsingCount: (now, until, where) => certificates.lapsingCount(now, until, where),
        failingRenewals: (where) => renewals.failingCount(1, where),
      },
      audit,
      stepUp,
    }),
  );
  const { access, policies: accessPolicies } = use(
    accessModule.create({
      ...ctx,
      blobs,
      devices: devicesStore,
      selector,
      users: { scopeOf },
      stepUp,
      isReady,
      admission,
      audit,
    }),
  );
  const configs = use(configsModule.create({ ...ctx, devices: devicesStore, facts, selector, scopes, audit }));
  const notify = use(notificationsModule.create({ ...ctx, audit, deviceExists: (id) => devicesStore.exists(id) }));
  const health = use(healthModule.create({ ...ctx, fleet, selector, samples: history, audit }));
  const traffic = use(trafficModule.create({ ...ctx, selector }));
  const cellularInventory = createCellularInventory(db);
  const { cellular, history: cellularHistory } = use(
    cellularModule.create({
      ...ctx,
      inventory: cellularInventory,
      groupExists: async (path) => (await groupsStore.byPath(path)) !== null,
    }),
  );
  // The map and each device's track: positions from the cellular reports, through `locationReported`.
  const location = use(
    locationModule.create({
      ...ctx,
      located: createDeviceLocations(db),
      selector,
      exists: (id) => devicesStore.exists(id),
      healthOf: (devs) => health.health.verdicts(devs),
      audit,
    }),
  );
  // Process data; a `dropped` report lands in the device's events through the ingest writer.
  const { streams } = use(
    streamsModule.create({
      ...ctx,
      recordDeviceEvent: (deviceId, event) =>
        ingest.add((b) => b.events.push({ deviceId, receivedAt: clock.now().toISOString(), event })),
      deviceExists: (id) => devicesStore.exists(id),
      latestIndex: createDataLatestIndex(db),
      audit,
      stepUp,
      // Data subscriptions deliver through the notifications outbox, to the devices the selector picks.
      outbox: notify.notifications,
      devicesMatching: async (filter, ids) => devicesStore.idsWithin(await selector.where(filter), [...ids]),
      validateFilter: (filter) => selector.validate(filter),
    }),
  );
  // Geofences measure each position the cellular domain files; a crossing lands in the device's events.
  const { geofences, sides: geofenceSides } = use(
    geofencesModule.create({
      ...ctx,
      devices: devicesStore,
      selector,
      recordDeviceEvent: (deviceId, event) =>
        ingest.add((b) => b.events.push({ deviceId, receivedAt: clock.now().toISOString(), event })),
      audit,
    }),
  );
  const alerts = use(
    alertsModule.create({
      ...ctx,
      fleet,
      selector,
      traffic: traffic.traffic.reader,
      data: { history, compliance: createComplianceReads(db), rollouts: createRolloutFailureReads(db) },
      healthOf: health.health.verdicts,
      notifications: notify.notifications,
      addIntents: notify.outbox.addIntents,
      audit,
    }),
  );
  // Certificate renewals that keep failing are a rule kind of their own; the data is enrollment's.
  alerts.alerts.registerType(certRenewalRule({ failing: (min, limit) => renewals.failing(min, limit) }));
  // Cellular changes (SIM swap, IMEI change, roaming, plan overage) and poor signal: the cellular domain's data.
  const cellularSource = { changesSince: cellular.changesSince, rsrpOf: cellularInventory.rsrpOf };
  alerts.alerts.registerType(cellularChangeRule(cellularSource));
  alerts.alerts.registerType(cellSignalRule(cellularSource));
  // Geofence crossings: the side of each fence each device reached, kept by the geofences domain.
  alerts.alerts.registerType(geofenceRule({ crossedSides: geofenceSides.crossedSides, names: geofences.names }));
  alerts.alerts.registerType(usageSpikeRule({ usageWindows: cellularHistory.usageWindows }));
  // Data monitors (threshold, rate of change, stale, state, quality): the streams domain's values.
  for (const t of dataMonitorRules({ latestOfPoint: streams.latestOfPoint, firstLastOf: streams.firstLastOf }))
    alerts.alerts.registerType(t);
  // Field devices on too-old firmware: the guard domain's field inventory.
  const fieldAssets = createFieldAssetsStore(db);
  alerts.alerts.registerType(
    fieldFirmwareRule({
      olderThan: (q) =>
        fieldAssets.list({
          vendor: q.vendor,
          product: q.product,
          firmwareBelow: q.below,
          deviceIn: q.deviceIn,
          limit: q.limit,
        }),
    }),
  );
  // So are devices still on a retiring CA after a rotation; the CA states are the CA set's.
  alerts.alerts.registerType(
    caRetiringRule({
      retiringCas: () => ctx.ca.records().filter((r) => r.state === 'retiring'),
      devicesOn: (caIds, now, limit) => certificates.devicesOnCas(caIds, now, limit),
    }),
  );
  const reports = use(
    reportsModule.create({
      ...ctx,
      fleet,
      selector,
      history,
      alerts: alerts.store,
      traffic: traffic.store,
      verdicts: health.health.verdicts,
      hourly: (ids, from, to) => health.store.hourly(ids, from, to),
      notifications: notify.notifications,
      audit,
    }),
  );
  use(
    fleetModule.create({
      ...ctx,
      health: {
        deleteSamplesBefore: (iso) => history.deleteHealthSamplesBefore(iso),
        deleteHourlyBefore: (iso) => health.store.deleteHourlyBefore(iso),
      },
      traffic: traffic.store,
      cellular: { deleteHistoryBefore: (iso) => cellularHistory.deleteBefore(Date.parse(iso)) },
      outbox: notify.outbox,
      reports: reports.store,
      locations: { deleteBefore: (iso) => location.store.deleteBefore(iso) },
      events: { deleteBefore: (iso) => history.deleteEventsBefore(iso) },
    }),
  );
  // The SIEM export follows the audit log, its checkpoints, device events and alert history.
  const { siem } = use(
    siemModule.create({
      ...ctx,
      audit,
      deviceEvents: createDeviceEventsExport(db),
      alertEvents: createAlertEventsExport(db),
      procId: String(process.pid),
    }),
  );
  const live = use(
    liveModule.create({
      ...ctx,
      users,
      facts,
      sites: {
        openAlertsPerSite: (scope) => alerts.store.openPerSite(scope.where),
        critical: async (scope, filter) => (await health.health.fleetHealth(scope, filter)).counts.error,
      },
      history,
      audit: createAuditTail(db),
      progress: {
        rolloutProgress: (id) => updates.rollouts.progress(id),
        alertCounts: async () => {
          const { open, firing, acknowledged, bySeverity } = await alerts.alerts.summary();
          return { open, firing, acknowledged, bySeverity };
        },
      },
    }),
  );

  // Device files: the `files` command rings the device through the commands domain; the bytes go over HTTPS.
  const files = use(
    filesModule.create({
      ...ctx,
      devices: devicesStore,
      selector,
      isReady,
      blobs,
      admission,
      audit,
      stepUp,
      sendCommand: async (actor, deviceId, name, args, timeoutS) =>
        void (await commands.send(actor, scopes.all, { deviceId }, { name, args, timeoutS })),
    }),
  );

  const rolloutNames = createRolloutNameReads(db);
  const automations = use(
    automationsModule.create({
      ...ctx,
      audit,
      diagnostics: diagnostics.runner,
      stepUp,
      devices: {
        async select(filter, within, limit, among) {
          const where = await selector.where(narrowFilterText(filter, within));
          return among ? devicesStore.idsWithin(where, [...among]) : devicesStore.ids(where, limit);
        },
        async states(ids, opts) {
          const devs = ids.length ? await fleet.devices(null, { ids: [...ids] }) : [];
          const verdicts = opts?.health ? await health.health.verdicts(devs) : null;
          return new Map(
            devs.map((dev) => [
              dev.id,
              {
                presence: dev.presence as 'online' | 'offline' | 'never_seen',
                lastSeenAt: dev.lastSeenAt,
                health: verdicts?.get(dev.id)?.state ?? null,
              },
            ]),
          );
        },
        validateFilter: (f) => selector.validate(f),
      },
      commands: {
        send: async (who, deviceId, input) => {
          await commands.send(who, scopes.all, { deviceId }, input);
        },
        get: (id) => commands.record(id),
      },
      configs: automationConfigs(configs),
      rollouts: {
        create: async (who, input) => {
          const r = await updates.rollouts.create(who, input, scopes.all);
          return { id: r.id, state: r.state, reason: r.reason };
        },
        byName: (name) => rolloutNames.byName(name),
        get: async (id) => {
          const r = await updates.rollouts.progress(id);
          return r ? { id: r.id, state: r.state, reason: r.reason } : null;
        },
      },
      notify: {
        send: (channelId, summary, json) =>
          notify.notifications.enqueue(channelId, 'automation', summary, {
            json,
            email: {
              subject: `[Outpost] ${summary.slice(0, 120)}`,
              text: summary,
              html: `<p>${escapeHtml(summary)}</p>`,
            },
          }),
        channelExists: async (id) => (await notify.notifications.missingChannels([id])).length === 0,
      },
      sources: {
        events: async (type, sinceIso, limit) =>
          (await history.events({ types: [type as `${string}`], sinceIso, limit })).map((e) => ({
            key: `${e.deviceId}:${e.seq}`,
            deviceId: e.deviceId,
            at: e.ts,
          })),
        alertChanges: async (sinceIso, limit) => {
          const rows = await alerts.store.listAlerts({ limit });
          const out = [];
          for (const r of rows) {
            if (r.fired_at >= sinceIso)
              out.push({
                alertId: r.id,
                ruleId: r.rule_id,
                ruleType: r.rule_type,
                deviceId: r.device_id,
                change: 'fired' as const,
                at: r.fired_at,
              });
            if (r.resolved_at && r.resolved_at >= sinceIso)
              out.push({
                alertId: r.id,
                ruleId: r.rule_id,
                ruleType: r.rule_type,
                deviceId: r.device_id,
                change: 'resolved' as const,
                at: r.resolved_at,
              });
          }
          return out;
        },
      },
    }),
  );

  // Process data shared with SCADA (Sparkplug B, OPC UA): reads the streams, writes through commands.
  const { sharing } = use(
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
  const brokers = use(
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
  for (const p of parts)
    for (const [suffix, handler] of Object.entries(p.topics ?? {})) topicHandlers.set(suffix, handler);
  const gateway = createDeviceGateway({
    ingest,
    audit,
    clock,
    logger,
    metrics: ctx.metrics,
    heartbeatFactor: ctx.config.heartbeatFactor,
    onCommandResult: commands.onResult,
    onReady: (id) => parts.forEach((p) => p.onDeviceReady?.(id)),
    onOffline: (id) => parts.forEach((p) => p.onDeviceOffline?.(id)),
    topicHandlers,
    rateLimit: { perMinute: ctx.config.deviceMessagesPerMinute, burst: ctx.config.deviceMessageBurst },
  });

  const limits = use(limitsModule.create(ctx));

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
    registerRoutes: (app: FastifyInstance) => parts.forEach((p) => p.routes?.(app)),
    /** Every module's background jobs. */
    jobs: (): Job[] => parts.flatMap((p) => p.jobs ?? []),
    /** Every module's stop hook, in reverse order of creation. */
    stop: async () => {
      for (const p of [...parts].reverse()) await p.stop?.();
    },
  };
}

export type Domains = ReturnType<typeof composeDomains>;

/** The configuration steps' port: the configs domain's device overrides, push and compliance, as the API uses them. */
function automationConfigs(configs: ReturnType<typeof configsModule.create>['api']): AutomationConfigs {
  const { deviceConfig, templates, compliance } = configs;
  const everyone = { unrestricted: true, groups: [] };
  const rowsOf = async (deviceId: string) =>
    (await compliance.list({ filter: `id = ${JSON.stringify(deviceId)}`, limit: 1000 })).items;
  const worst = ['error', 'drifted', 'pending', 'compliant'] as const;
  return {
    async applyOverrides(actor, deviceId, values) {
      const set = Object.entries(values).filter(([, v]) => v !== null);
      if (set.length) await deviceConfig.setOverrides(actor, deviceId, Object.fromEntries(set) as never);
      for (const [key] of Object.entries(values).filter(([, v]) => v === null))
        await deviceConfig.removeOverride(actor, deviceId, key).catch((err: unknown) => {
          // Clearing what is not there leaves the device as the step wants it.
          if ((err as { code?: string }).code !== 'not_found') throw err;
        });
    },
    async overrides(deviceId) {
      const view = await deviceConfig.view(deviceId);
      return Object.fromEntries(
        view.entries.filter((e) => e.source.kind === 'override').map((e) => [e.key, e.desired]),
      );
    },
    async templateName(nameOrId) {
      const { items } = await templates.list(everyone);
      return (items.find((t) => t.name === nameOrId) ?? items.find((t) => t.id === nameOrId))?.name ?? null;
    },
    enforce: async (actor, deviceId) => void (await deviceConfig.push(actor, deviceId)),
    async compliance(deviceId, template) {
      const rows = await rowsOf(deviceId);
      const own = template === null ? rows.filter((r) => r.template === 'device override') : [];
      const chosen = template !== null ? rows.filter((r) => r.template === template) : own.length ? own : rows;
      if (chosen.length === 0) return null;
      const r = chosen.sort((a, b) => worst.indexOf(a.state) - worst.indexOf(b.state))[0];
      return { state: r.state, reason: r.reason };
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Opens the hub database with every hub migration applied: the PostgreSQL database `databaseUrl`
 * names, or else (the default) the SQLite file in `dataDir`, created when missing.
 */
export function openHubDatabase(dataDir: string, databaseUrl?: string): Promise<Db> {
  return databaseUrl ? openPostgres(databaseUrl, hubMigrations()) : openSqlite(dataDir, hubMigrations());
}
