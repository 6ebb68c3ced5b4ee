import type { DeviceEvent } from '@outpost/protocol';
import { alertsModule } from './alerts/alerts.module.js';
import { createAuditTail } from './audit/index.js';
import { cellularModule } from './cellular/cellular.module.js';
import { configsModule } from './configs/configs.module.js';
import { createCellularInventory, createDataLatestIndex, createDeviceLocations } from './devices/index.js';
import { createDeviceEventsExport } from './devices/device-events.export.js';
import { createAlertEventsExport } from './alerts/alert-events.export.js';
import { fleetModule } from './fleet/fleet.module.js';
import { geofencesModule } from './geofences/geofences.module.js';
import { createFieldAssetsStore } from './guard/field-assets.store.js';
import { healthModule } from './health/health.module.js';
import { liveModule } from './live/live.module.js';
import { locationModule } from './location/location.module.js';
import { notificationsModule } from './notifications/notifications.module.js';
import { reportsModule } from './reports/reports.module.js';
import { siemModule } from './siem/siem.module.js';
import { streamsModule } from './streams/streams.module.js';
import { trafficModule } from './traffic/traffic.module.js';
import { createRolloutFailureReads } from './updates/index.js';
import { certRenewalRule } from './alerts/rule-types/cert-renewal.rule.js';
import { caRetiringRule } from './alerts/rule-types/ca-retiring.rule.js';
import { cellSignalRule, cellularChangeRule } from './alerts/rule-types/cellular.rules.js';
import { usageSpikeRule } from './alerts/rule-types/usage-spike.rule.js';
import { fieldFirmwareRule } from './alerts/rule-types/field-firmware.rule.js';
import { dataMonitorRules } from './alerts/rule-types/data.rules.js';
import { geofenceRule } from './alerts/rule-types/geofence.rule.js';
import type { ComposeContext, DomainFoundation, ModuleCollector } from './domain-foundation.js';
import type { DeviceDomains } from './compose-device-domains.js';

/**
 * The domains that watch the fleet: configurations, notifications, health, traffic, cellular,
 * location, process data, geofences, alerts (with every rule kind the other domains' data feeds),
 * reports, retention, the SIEM export and the live view.
 */
export function composeMonitoringDomains(
  ctx: ComposeContext,
  m: ModuleCollector,
  f: DomainFoundation,
  d: Pick<DeviceDomains, 'audit' | 'stepUp' | 'renewals' | 'ingest' | 'users' | 'updates'>,
) {
  const { db, clock } = ctx;
  const { devicesStore, groupsStore, certificates, selector, scopes, fleet, history, facts, compliance } = f;
  const { audit, stepUp, renewals, ingest, users, updates } = d;
  // A device event filed by a domain (a dropped data report, a geofence crossing) goes through the ingest writer.
  const recordDeviceEvent = (deviceId: string, event: DeviceEvent) =>
    ingest.add((b) => b.events.push({ deviceId, receivedAt: clock.now().toISOString(), event }));
  const configs = m.use(configsModule.create({ ...ctx, devices: devicesStore, facts, selector, scopes, audit }));
  const notify = m.use(notificationsModule.create({ ...ctx, audit, deviceExists: (id) => devicesStore.exists(id) }));
  const health = m.use(healthModule.create({ ...ctx, fleet, selector, samples: history, audit }));
  const traffic = m.use(trafficModule.create({ ...ctx, selector }));
  const cellularInventory = createCellularInventory(db);
  const { cellular, history: cellularHistory } = m.use(
    cellularModule.create({
      ...ctx,
      inventory: cellularInventory,
      groupExists: async (path) => (await groupsStore.byPath(path)) !== null,
    }),
  );
  // The map and each device's track: positions from the cellular reports, through `locationReported`.
  const location = m.use(
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
  const { streams } = m.use(
    streamsModule.create({
      ...ctx,
      recordDeviceEvent,
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
  const { geofences, sides: geofenceSides } = m.use(
    geofencesModule.create({
      ...ctx,
      devices: devicesStore,
      selector,
      recordDeviceEvent,
      audit,
    }),
  );
  const alerts = m.use(
    alertsModule.create({
      ...ctx,
      fleet,
      selector,
      traffic: traffic.traffic.reader,
      data: { history, compliance, rollouts: createRolloutFailureReads(db) },
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
  const reports = m.use(
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
  m.use(
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
  const { siem } = m.use(
    siemModule.create({
      ...ctx,
      audit,
      deviceEvents: createDeviceEventsExport(db),
      alertEvents: createAlertEventsExport(db),
      procId: String(process.pid),
    }),
  );
  const live = m.use(
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
  return {
    configs,
    notify,
    health,
    traffic,
    cellular,
    geofences,
    location,
    streams,
    alerts,
    reports,
    siem,
    live,
  };
}

export type MonitoringDomains = ReturnType<typeof composeMonitoringDomains>;
