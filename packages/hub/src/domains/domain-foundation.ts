import type { ReplicaChannel } from '../platform/replica-channel.js';
import type { ModuleParts } from '../platform/module.js';
import type { HubContext } from './hub-context.js';
import type { CaSet } from './pki/index.js';
import { createDevicesStore } from './devices/devices.store.js';
import {
  createDeviceFacts,
  createDeviceHistory,
  createDeviceScopes,
  createDeviceSelector,
  createFleetSnapshotStore,
} from './devices/index.js';
import { createCertificatesStore } from './enrollment/index.js';
import { createGroupsStore } from './groups/groups.store.js';
import { createComplianceReads } from './configs/index.js';
import { createRolloutMarkReads } from './updates/index.js';
import { createCommandMarkReads } from './commands/index.js';
import { createAlertMarkReads } from './alerts/index.js';

// What every stage of the composition (compose-domains.ts) starts from: the platform, the collector
// of what the modules contribute, and the stores and reads that many domains share.

/** The platform every module is built on, with the hub's CA set and, between replicas, their channel. */
export type ComposeContext = HubContext & { ca: CaSet; replicas?: ReplicaChannel };

/** Collects what each module contributes (routes, topics, jobs, stop hooks) in the order they are built. */
export interface ModuleCollector {
  parts: ModuleParts[];
  use<A>(built: { api: A; parts: ModuleParts }): A;
}

export function moduleCollector(): ModuleCollector {
  const parts: ModuleParts[] = [];
  return {
    parts,
    use(built) {
      parts.push(built.parts);
      return built.api;
    },
  };
}

/**
 * The inventory's stores come first: every domain reads devices through them, and the filter
 * language resolves group membership through the groups store.
 */
export function createDomainFoundation(ctx: ComposeContext) {
  const { db, clock } = ctx;
  const devicesStore = createDevicesStore(db);
  const groupsStore = createGroupsStore(db);
  const certificates = createCertificatesStore(db);
  const selector = createDeviceSelector({ groups: groupsStore, clock });
  const scopes = createDeviceScopes({ selector, devices: devicesStore });
  return {
    devicesStore,
    groupsStore,
    certificates,
    selector,
    compliance: createComplianceReads(db),
    scopes,
    fleet: createFleetSnapshotStore(db),
    // What devices reported over time and the inventory's facts, asked by the domains that watch them.
    history: createDeviceHistory(db),
    facts: createDeviceFacts(db),
    // What other domains keep about one device, drawn on its charts.
    commandMarks: createCommandMarkReads(db),
    rolloutMarks: createRolloutMarkReads(db),
    alertMarks: createAlertMarkReads(db),
  };
}

export type DomainFoundation = ReturnType<typeof createDomainFoundation>;
