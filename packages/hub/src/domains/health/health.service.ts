import {
  MAX_HEALTH_IDS,
  type DeviceHealth,
  type FleetHealth,
  type HealthModel,
  type HealthState,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { NotFound, ValidationError } from '../../platform/errors.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceScope, DeviceSelector, DeviceWhere } from '../devices/index.js';
import type { DeviceSnapshot, FleetSnapshotStore } from '../devices/index.js';
import {
  DEFAULT_HEALTH_RULES,
  emptyCounts,
  judgeHealth,
  parseHealthRules,
  type HealthRule,
  type HealthVerdict,
} from './health-model.js';
import type { HealthStore } from './health.store.js';

const MODEL_NAME = /^(\*|[^\s/][^/]{0,127})$/;

export interface HealthService {
  listModels: () => Promise<HealthModel[]>;
  setModel: (actor: Actor, model: string, rulesInput: unknown) => Promise<HealthModel & { updatedAt: string }>;
  deleteModel: (actor: Actor, model: string) => Promise<void>;
  deviceHealth: (id: string) => Promise<DeviceHealth>;
  devicesHealth: (within: DeviceWhere | null, ids: string[]) => Promise<{ items: DeviceHealth[] }>;
  fleetHealth: (scope: Pick<DeviceScope, 'narrow'>, filter?: string) => Promise<FleetHealth>;
  verdicts: (devs: JudgedDevice[]) => Promise<Map<string, HealthVerdict>>;
}

/** What a health verdict reads of a device. */
export type JudgedDevice = Pick<
  DeviceSnapshot,
  'id' | 'model' | 'presence' | 'healthAt' | 'healthIntervalS' | 'health'
>;

/** Health models per device model, and the health state of devices and of the fleet. */
export function createHealthService(d: {
  store: HealthStore;
  fleet: FleetSnapshotStore;
  selector: DeviceSelector;
  audit: AuditLog;
  clock: Clock;
  heartbeatFactor: number;
}): HealthService {
  let cache: Map<string, HealthRule[]> | null = null;

  async function models(): Promise<Map<string, HealthRule[]>> {
    cache ??= new Map((await d.store.models()).map((m) => [m.model, m.rules]));
    return cache;
  }

  function rulesFor(all: Map<string, HealthRule[]>, model: string | null): HealthRule[] {
    return (model ? all.get(model) : undefined) ?? all.get('*') ?? DEFAULT_HEALTH_RULES;
  }

  /** Fresh means: online and reported within heartbeatFactor × its interval. */
  function fresh(dev: JudgedDevice, now: number): boolean {
    if (dev.presence !== 'online' || !dev.healthAt) return false;
    return now - Date.parse(dev.healthAt) <= dev.healthIntervalS * d.heartbeatFactor * 1000;
  }

  async function verdicts(devs: JudgedDevice[]): Promise<Map<string, HealthVerdict>> {
    const all = await models();
    const now = d.clock.now().getTime();
    return new Map(devs.map((dev) => [dev.id, judgeHealth(rulesFor(all, dev.model), dev.health(), fresh(dev, now))]));
  }

  async function listModels() {
    const stored = await d.store.models();
    const hasDefault = stored.some((m) => m.model === '*');
    return [
      ...(hasDefault
        ? []
        : [{ model: '*', rules: DEFAULT_HEALTH_RULES, updatedBy: 'built-in', updatedAt: null as string | null }]),
      ...stored,
    ];
  }

  async function setModel(actor: Actor, model: string, rulesInput: unknown) {
    if (!MODEL_NAME.test(model))
      throw new ValidationError('model must be "*" or a device model name of at most 128 characters', {
        path: '/model',
      });
    const rules = parseHealthRules(rulesInput);
    const rec = { model, rules, updatedBy: actor.id, updatedAt: d.clock.now().toISOString() };
    await d.store.putModel(rec);
    cache = null;
    await d.audit.record({
      actor,
      action: 'health_model.set',
      target: `health_model:${model}`,
      details: { rules: rules.length },
    });
    return rec;
  }

  async function deleteModel(actor: Actor, model: string) {
    if (!(await d.store.deleteModel(model))) throw new NotFound('health model', model);
    cache = null;
    await d.audit.record({ actor, action: 'health_model.delete', target: `health_model:${model}` });
  }

  async function deviceHealth(id: string) {
    const [dev] = await d.fleet.devices(null, { ids: [id] });
    if (!dev) throw new NotFound('device', id);
    const v = (await verdicts([dev])).get(id)!;
    return { deviceId: id, model: dev.model, presence: dev.presence, healthAt: dev.healthAt, ...v };
  }

  /** The verdicts of the devices `ids` names that `within` holds (a page of a device list); others are left out. */
  async function devicesHealth(within: DeviceWhere | null, ids: string[]) {
    if (ids.length > MAX_HEALTH_IDS)
      throw new ValidationError(`at most ${MAX_HEALTH_IDS} device ids at once`, { path: '/ids' });
    const devs = await d.fleet.devices(within, { ids: [...new Set(ids)] });
    const v = await verdicts(devs);
    return {
      items: devs.map((dev) => ({
        deviceId: dev.id,
        model: dev.model,
        presence: dev.presence,
        healthAt: dev.healthAt,
        ...v.get(dev.id)!,
      })),
    };
  }

  /** Health counts of the devices `filter` selects, inside the caller's scope. */
  async function fleetHealth(scope: Pick<DeviceScope, 'narrow'>, filter?: string) {
    const devs = await d.fleet.devices(scope.narrow(await d.selector.where(filter)));
    const v = await verdicts(devs);
    const counts = emptyCounts();
    const byModel: Record<string, Record<HealthState, number>> = {};
    for (const dev of devs) {
      const s = v.get(dev.id)!.state;
      counts[s]++;
      (byModel[dev.model ?? '(unknown)'] ??= emptyCounts())[s]++;
    }
    return { total: devs.length, counts, byModel };
  }

  return { listModels, setModel, deleteModel, deviceHealth, devicesHealth, fleetHealth, verdicts };
}
