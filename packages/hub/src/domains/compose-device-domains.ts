import type { GroupRollupSources } from './groups/group-rollup.js';
import type { Device } from '@outpost/protocol';
import { accessModule } from './access/access.module.js';
import { auditModule } from './audit/audit.module.js';
import { blobsModule } from './blobs/blobs.module.js';
import { commandsModule } from './commands/commands.module.js';
import { diagnosticsModule } from './diagnostics/diagnostics.module.js';
import { devicesModule } from './devices/devices.module.js';
import { createCertRenewalsStore, createDeviceAdmission } from './enrollment/index.js';
import { enrollmentModule } from './enrollment/enrollment.module.js';
import { groupsModule } from './groups/groups.module.js';
import { guardModule } from './guard/guard.module.js';
import { pkiModule } from './pki/pki.module.js';
import { updatesModule } from './updates/updates.module.js';
import { usersModule } from './users/users.module.js';
import { viewsModule } from './views/views.module.js';
import type { Principal } from './users/index.js';
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
import { geofenceGroupReferences } from './geofences/index.js';
import { cellularGroupPlanReferences } from './cellular/group-references.js';
import type { ComposeContext, DomainFoundation, ModuleCollector } from './domain-foundation.js';

/**
 * What the first modules ask of modules built after them (or of the device gateway, built last):
 * read only at run time, by which time every module exists.
 */
export interface LaterPorts {
  isReady(id: string): boolean;
  brokerMoveOf(id: string): Promise<Device['brokerMove']>;
  openAlerts: GroupRollupSources['openAlerts'];
  fleetHealth: GroupRollupSources['health'];
}

/**
 * The audit log, users and the device inventory, and the domains that act on devices: groups,
 * views, commands, diagnostics, guard, updates, enrollment, PKI and remote access.
 */
export function composeDeviceDomains(ctx: ComposeContext, m: ModuleCollector, f: DomainFoundation, later: LaterPorts) {
  const { db, clock } = ctx;
  const { devicesStore, groupsStore, certificates, selector, scopes, facts, history, compliance } = f;
  const { commandMarks, rolloutMarks, alertMarks } = f;
  const isReady = later.isReady;
  const audit = m.use(auditModule.create(ctx));
  const { blobs } = m.use(blobsModule.create(ctx));
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
  const { users, mfa, stepUp } = m.use(usersModule.create({ ...ctx, audit }));
  const scopeOf = async (p: Principal) => scopes.of(await users.groupScope(p.userId));
  const { devices, ingest, membership } = m.use(
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
      brokerMoveOf: later.brokerMoveOf,
    }),
  );
  const groups = m.use(
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
        openAlerts: later.openAlerts,
        compliance: (where) => compliance.stateCounts(where),
        health: later.fleetHealth,
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
  const views = m.use(viewsModule.create({ ...ctx, selector, audit }));
  const commands = m.use(commandsModule.create({ ...ctx, devices: devicesStore, selector, isReady, audit }));
  const diagnostics = m.use(
    diagnosticsModule.create({
      ...ctx,
      devices: devicesStore,
      selector,
      facts,
      isReady,
      dispatchAndWait: commands.dispatchAndWait,
      dropCommandOutput: commands.dropOutput,
      audit,
    }),
  );
  const guard = m.use(
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
  const updates = m.use(
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
  const enrollment = m.use(
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
  const pki = m.use(
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
  const { access, policies: accessPolicies } = m.use(
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
  return {
    audit,
    blobs,
    renewals,
    admission,
    users,
    mfa,
    stepUp,
    scopeOf,
    devices,
    ingest,
    groups,
    views,
    commands,
    diagnostics,
    guard,
    updates,
    enrollment,
    pki,
    access,
    accessPolicies,
  };
}

export type DeviceDomains = ReturnType<typeof composeDeviceDomains>;
