import { parseAccessTarget, type AccessPolicy, type Role } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceDirectory } from '../devices/index.js';
import type { DeviceSelector } from '../devices/index.js';
import type { AccessPoliciesStore } from './access-policies.store.js';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const GROUP_PATH = /^[a-z0-9][a-z0-9_-]{0,63}(\/[a-z0-9][a-z0-9_-]{0,63}){0,7}$/;
const REQUESTER_ROLES: Role[] = ['technician', 'operator', 'admin'];

export interface PolicyInput {
  name: string;
  deviceId?: string | null;
  group?: string | null;
  targets: string[];
  roles?: Role[];
  maxDurationS?: number;
  requireReason?: boolean;
  requireApproval?: boolean;
  mfaMaxAgeS?: number | null;
  maxConcurrent?: number;
  captureTcp?: boolean;
}

export interface AccessPoliciesService {
  create: (actor: Actor, input: PolicyInput) => Promise<AccessPolicy>;
  update: (
    actor: Actor,
    id: string,
    patch: Partial<Omit<PolicyInput, 'name' | 'deviceId' | 'group'>>,
  ) => Promise<AccessPolicy>;
  remove: (actor: Actor, id: string) => Promise<void>;
  resolve: (deviceId: string, target: string) => Promise<AccessPolicy | null>;
  list: () => Promise<AccessPolicy[]>;
  get: (id: string) => Promise<AccessPolicy | null>;
}

/** Which targets of which devices which roles may reach, and on what conditions. */
export function createAccessPoliciesService(d: {
  store: AccessPoliciesStore;
  devices: DeviceDirectory;
  selector: DeviceSelector;
  audit: AuditLog;
  clock: Clock;
}): AccessPoliciesService {
  function normalizeTargets(targets: string[]): string[] {
    const out = targets.map((t, i) => {
      const r = parseAccessTarget(t);
      if (!r.ok)
        throw new ValidationError(`target "${String(t).slice(0, 80)}": ${r.message}`, { path: `/targets/${i}` });
      return r.text;
    });
    return [...new Set(out)];
  }

  function check(p: AccessPolicy): AccessPolicy {
    if (!NAME.test(p.name))
      throw new ValidationError('a policy name is lowercase letters, digits, ".", "_" and "-"', { path: '/name' });
    if ((p.deviceId === null) === (p.group === null))
      throw new ValidationError('a policy applies to exactly one of deviceId or group', {
        path: p.deviceId ? '/group' : '/deviceId',
      });
    if (p.group !== null && !GROUP_PATH.test(p.group))
      throw new ValidationError('group must be a group path such as north/substation-7', { path: '/group' });
    if (p.targets.length === 0) throw new ValidationError('a policy allows at least one target', { path: '/targets' });
    p.roles.forEach((r, i) => {
      if (!REQUESTER_ROLES.includes(r))
        throw new ValidationError('sessions are requested by technicians, operators or admins', {
          path: `/roles/${i}`,
        });
    });
    return { ...p, targets: normalizeTargets(p.targets), roles: [...new Set(p.roles)] };
  }

  async function create(actor: Actor, input: PolicyInput): Promise<AccessPolicy> {
    const now = d.clock.now().toISOString();
    const p = check({
      id: newId('acp'),
      name: input.name,
      deviceId: input.deviceId ?? null,
      group: input.group ?? null,
      targets: input.targets,
      roles: input.roles ?? ['operator', 'admin'],
      maxDurationS: input.maxDurationS ?? 3600,
      requireReason: input.requireReason ?? true,
      requireApproval: input.requireApproval ?? false,
      // NERC CIP-005-7 R2.3 asks for multi-factor authentication on interactive remote access:
      // a fresh second factor is the default, and turning it off is an explicit choice.
      mfaMaxAgeS: input.mfaMaxAgeS === undefined ? 300 : input.mfaMaxAgeS,
      maxConcurrent: input.maxConcurrent ?? 1,
      captureTcp: input.captureTcp ?? false,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    if (p.deviceId && !(await d.devices.exists(p.deviceId))) throw new NotFound('device', p.deviceId);
    if (await d.store.byName(p.name)) throw new Conflict(`access policy "${p.name}" already exists`);
    await d.store.insert(p);
    await d.audit.record({
      actor,
      action: 'access.policy.create',
      target: `access-policy:${p.id}`,
      details: describe(p),
    });
    return p;
  }

  async function update(
    actor: Actor,
    id: string,
    patch: Partial<Omit<PolicyInput, 'name' | 'deviceId' | 'group'>>,
  ): Promise<AccessPolicy> {
    const cur = await d.store.get(id);
    if (!cur) throw new NotFound('access policy', id);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const next = check({ ...cur, ...defined, updatedAt: d.clock.now().toISOString() });
    await d.store.update(next);
    await d.audit.record({
      actor,
      action: 'access.policy.update',
      target: `access-policy:${id}`,
      details: { ...describe(next), changed: Object.keys(defined) },
    });
    return next;
  }

  async function remove(actor: Actor, id: string): Promise<void> {
    const cur = await d.store.get(id);
    if (!cur) throw new NotFound('access policy', id);
    await d.store.remove(id);
    await d.audit.record({
      actor,
      action: 'access.policy.delete',
      target: `access-policy:${id}`,
      details: { name: cur.name },
    });
  }

  async function inGroup(deviceId: string, path: string): Promise<boolean> {
    return (
      (await d.devices.count(
        await d.selector.where(`id = ${JSON.stringify(deviceId)} and group = ${JSON.stringify(path)}`),
      )) > 0
    );
  }

  /**
   * The policy that decides a request: among the policies that apply to the device and allow the
   * target, the most specific — one naming the device, else the one on the deepest group.
   */
  async function resolve(deviceId: string, target: string): Promise<AccessPolicy | null> {
    const allowing = (await d.store.candidates(deviceId)).filter((p) => p.targets.includes(target));
    const direct = allowing.filter((p) => p.deviceId === deviceId).sort((a, b) => a.name.localeCompare(b.name));
    if (direct.length) return direct[0];
    const depth = (p: AccessPolicy) => p.group!.split('/').length;
    const byGroup = allowing
      .filter((p) => p.group !== null)
      .sort((a, b) => depth(b) - depth(a) || a.name.localeCompare(b.name));
    for (const p of byGroup) if (await inGroup(deviceId, p.group!)) return p;
    return null;
  }

  return { create, update, remove, resolve, list: () => d.store.list(), get: (id: string) => d.store.get(id) };
}

function describe(p: AccessPolicy) {
  return {
    name: p.name,
    deviceId: p.deviceId,
    group: p.group,
    targets: p.targets,
    roles: p.roles,
    maxDurationS: p.maxDurationS,
    requireReason: p.requireReason,
    requireApproval: p.requireApproval,
    mfaMaxAgeS: p.mfaMaxAgeS,
    maxConcurrent: p.maxConcurrent,
    captureTcp: p.captureTcp,
  };
}
