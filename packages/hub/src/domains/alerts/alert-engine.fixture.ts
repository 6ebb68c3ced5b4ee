import type { AlertRule } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import { createComplianceReads } from '../configs/index.js';
import { createDeviceHistory, createFleetSnapshotStore } from '../devices/index.js';
import { createRolloutFailureReads } from '../updates/index.js';
import { deps, silent, type testClock } from '../fleet/monitoring.fixture.js';
import { createAlertDataStore } from './alert-data.store.js';
import type { EngineDeps } from './alert-engine.js';
import type { createAlertsStore } from './alerts.store.js';
import { defineRuleType, type AnyRuleType, type Observation } from './rule-types/index.js';

/** Rule data read from the owners' read models on one database, as the hub wires them. */
export function alertDataOn(db: Db) {
  return createAlertDataStore({
    history: createDeviceHistory(db),
    compliance: createComplianceReads(db),
    rollouts: createRolloutFailureReads(db),
  });
}

// Shared by the alert engine tests: a rule type the test steers (each device's observation is
// whatever the test put in the map), rules of that type, and the open alerts in short form.

export function steeredRuleType(observed: Map<string, Observation>) {
  return defineRuleType<Record<string, never>>({
    type: 'probe',
    title: 'probe',
    params: {},
    parse: () => ({}),
    evaluate: (dev) => observed.get(dev.id) ?? { status: 'ok' },
  });
}

export const breach = (value = 1): Observation => ({ status: 'breach', value, text: `value ${value}` });

type Store = ReturnType<typeof createAlertsStore>;

export async function probeRule(store: Store, over: Partial<AlertRule> = {}): Promise<AlertRule> {
  const r: AlertRule = {
    id: `rul_${Math.random().toString(16).slice(2)}`,
    name: `probe ${Math.random()}`,
    type: 'probe',
    severity: 'warning',
    scope: {},
    params: {},
    forS: 0,
    clearForS: 0,
    channels: [],
    enabled: true,
    createdBy: 't',
    createdAt: '',
    updatedAt: '',
    ...over,
  };
  await store.insertRule(r);
  return r;
}

/** Open alerts as `device:flapping`, sorted. */
export async function openAlerts(store: Store): Promise<string[]> {
  return (await store.listAlerts({ states: ['firing', 'acknowledged'], limit: 100 }))
    .map((a) => `${a.device_id}:${a.flapping}`)
    .sort();
}

/** Engine dependencies over a test database with the steered type, no traffic or health, a test clock and short flap damping. */
export function probeEngineDeps(
  db: Db,
  clock: ReturnType<typeof testClock>,
  store: Store,
  probe: AnyRuleType,
  channels: string[],
): EngineDeps {
  return {
    store,
    fleet: createFleetSnapshotStore(db),
    selector: deps(db, clock).selector,
    data: alertDataOn(db),
    traffic: { status: () => undefined, newPortsSince: async () => new Map() },
    healthOf: async () => new Map(),
    types: new Map([['probe', probe]]),
    enabledChannels: async () => new Set(channels),
    deviceUrl: (id) => `https://hub.test/devices/${id}`,
    clock,
    logger: silent,
    flap: { fires: 3, windowMs: 600_000, quietMs: 60_000 },
  };
}
