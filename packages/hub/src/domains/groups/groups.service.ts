import {
  ErrorCode,
  type Group,
  type GroupListItem,
  type GroupMembersBody,
  type GroupRenameResult,
  type GroupRollup,
  type GroupWithCount,
  type NewGroupBody,
  type PatchGroupBody,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, HubError, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { requireGroupInside } from '../../platform/scope-reach.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceDirectory } from '../devices/index.js';
import { deviceNotFound, type DeviceScope, type DeviceSelector } from '../devices/index.js';
import type { MembershipNotifier } from '../devices/index.js';
import type { GroupsStore } from './groups.store.js';
import { groupRollup, type GroupRollupSources } from './group-rollup.js';
import type { GroupReferenceHolder, GroupRenameOutcome } from '../../platform/group-rename.js';
import { renameGroupInFilter, renamedPath } from '../devices/index.js';

// Hierarchical path of lowercase segments: `north/substation-7`.
const PATH = /^[a-z0-9][a-z0-9_-]{0,63}(\/[a-z0-9][a-z0-9_-]{0,63}){0,7}$/;
const MAX_BULK = 100_000;

export interface GroupsService {
  create(actor: Actor, scope: DeviceScope, input: NewGroupBody): Promise<Group>;
  update(actor: Actor, scope: DeviceScope, path: string, patch: PatchGroupBody): Promise<Group>;
  remove(actor: Actor, scope: DeviceScope, path: string): Promise<void>;
  /** Adds or removes static members, chosen by id or by filter: how many matched, how many changed. */
  changeMembers(
    actor: Actor,
    scope: DeviceScope,
    path: string,
    op: 'add' | 'remove',
    sel: GroupMembersBody,
  ): Promise<{ matched: number; changed: number }>;
  list(scope: DeviceScope): Promise<GroupListItem[]>;
  get(scope: DeviceScope, path: string): Promise<GroupWithCount>;
  rename(actor: Actor, scope: DeviceScope, from: string, to: string): Promise<GroupRenameResult>;
  rollup(scope: DeviceScope, path: string): Promise<GroupRollup>;
}

export function createGroupsService(d: {
  store: GroupsStore;
  devices: DeviceDirectory;
  selector: DeviceSelector;
  audit: AuditLog;
  clock: Clock;
  /** Told when membership may have changed: a group (and so any filter naming it) or static members. */
  membership: MembershipNotifier;
  /** Every domain's stored group references, rewritten with a rename (the groups themselves included). */
  references: readonly GroupReferenceHolder[];
  /** The counts a group's roll-up is made of, from the domains that own them. */
  rollup: GroupRollupSources;
}): GroupsService {
  /** The devices of the group at `path`, subgroups and the groups its filter names included. */
  const groupWhere = (path: string) => d.selector.where(`group = ${JSON.stringify(path)}`);

  async function mustGet(path: string, scope?: DeviceScope): Promise<Group> {
    const g = scope && !withinPaths(scope, path) ? undefined : await d.store.byPath(path);
    if (!g) throw new NotFound('group', path);
    return g;
  }

  async function create(actor: Actor, scope: DeviceScope, input: NewGroupBody): Promise<Group> {
    checkPath(input.path, '/path');
    if (input.kind === 'dynamic' && !input.filter)
      throw new ValidationError('a dynamic group needs a filter', { path: '/filter' });
    if (input.kind === 'static' && input.filter)
      throw new ValidationError('a static group has members, not a filter', { path: '/filter' });
    requireGroupInside(scope, input.path, 'the group');
    if (input.kind === 'dynamic') refuseScopedFilter(scope);
    if (input.filter) await d.selector.validate(input.filter);
    if (await d.store.byPath(input.path)) throw new Conflict(`group "${input.path}" already exists`);
    const g: Group = {
      id: newId('grp'),
      kind: input.kind,
      path: input.path,
      filter: input.filter ?? null,
      description: input.description ?? '',
      createdAt: d.clock.now().toISOString(),
    };
    await d.store.insert(g);
    await d.audit.record({
      actor,
      action: 'group.create',
      target: `group:${g.path}`,
      details: { kind: g.kind, filter: g.filter },
    });
    // Other dynamic groups may name this path, and policies may wait for it.
    d.membership.changed('all');
    return g;
  }

  async function update(actor: Actor, scope: DeviceScope, path: string, patch: PatchGroupBody): Promise<Group> {
    const g = await mustGet(path, scope);
    if (patch.filter !== undefined) {
      if (g.kind !== 'dynamic') throw new ValidationError('only a dynamic group has a filter', { path: '/filter' });
      refuseScopedFilter(scope);
      await d.selector.validate(patch.filter);
      // A group that names itself (directly or through others) would never resolve.
      if (await selfReferences(path, patch.filter))
        throw new ValidationError(`the filter refers back to group "${path}"`, { path: '/filter' });
    }
    await d.store.update(g.id, patch);
    await d.audit.record({ actor, action: 'group.update', target: `group:${path}`, details: patch });
    if (patch.filter !== undefined && patch.filter !== g.filter) d.membership.changed('all');
    return mustGet(path);
  }

  async function selfReferences(path: string, filter: string): Promise<boolean> {
    return filter.includes(`"${path}"`) || filter.includes(`group = ${path}`);
  }

  async function remove(actor: Actor, scope: DeviceScope, path: string) {
    const g = await mustGet(path, scope);
    await d.store.remove(g.id);
    await d.audit.record({ actor, action: 'group.delete', target: `group:${path}` });
    d.membership.changed('all');
  }

  /** Adds or removes static members, named by id or chosen by a filter. */
  async function changeMembers(
    actor: Actor,
    scope: DeviceScope,
    path: string,
    op: 'add' | 'remove',
    sel: GroupMembersBody,
  ) {
    const g = await mustGet(path, scope);
    if (g.kind !== 'static')
      throw new ValidationError('members of a dynamic group follow its filter', { path: '/path' });
    // By filter: only devices inside the caller's scope; by id: a device outside is not found.
    const ids =
      sel.filter !== undefined
        ? await d.devices.ids(scope.narrow(await d.selector.where(sel.filter)), MAX_BULK)
        : (sel.deviceIds ?? []);
    if (sel.filter === undefined && !scope.unrestricted) {
      const inside = new Set(await scope.within(ids));
      const outside = ids.find((id) => !inside.has(id));
      if (outside !== undefined) throw deviceNotFound(outside);
    }
    const changed = op === 'add' ? await d.store.addMembers(g.id, ids) : await d.store.removeMembers(g.id, ids);
    await d.audit.record({
      actor,
      action: `group.members.${op}`,
      target: `group:${path}`,
      details: { requested: ids.length, changed, filter: sel.filter },
    });
    if (changed > 0) d.membership.changed(ids);
    return { matched: ids.length, changed };
  }

  /**
   * Every group, or for a scoped caller those at or below its scope's paths, each with its direct
   * members (static groups) and the devices at or below it that the caller sees.
   */
  async function list(scope: DeviceScope) {
    const [groups, counts] = await Promise.all([d.store.list(), d.store.memberCounts()]);
    const visible = groups.filter((x) => withinPaths(scope, x.path));
    // Every group's devices counted in one query (per 200 groups), not one query per group.
    const wheres = d.selector.groupWheres(groups);
    const counted = visible.filter((g) => wheres.has(g.path));
    const n = await d.devices.countEach(
      counted.map((g) => wheres.get(g.path)!),
      scope.where,
    );
    const deviceCounts = new Map(counted.map((g, i) => [g.path, n[i]]));
    return visible.map((g) => ({
      ...g,
      directMembers: g.kind === 'static' ? (counts.get(g.id) ?? 0) : null,
      deviceCount: deviceCounts.get(g.path) ?? 0,
    }));
  }

  async function get(scope: DeviceScope, path: string) {
    if (!withinPaths(scope, path)) throw new NotFound('group', path);
    const g = await mustGet(path);
    const deviceCount = await d.devices.count(await groupWhere(path));
    return { ...g, deviceCount };
  }

  /**
   * Renames a group and every group below it, and rewrites every reference to them (user scopes,
   * tokens, policies, rules, views, targets, filters) in one transaction: all of it or none.
   */
  async function rename(actor: Actor, scope: DeviceScope, from: string, to: string) {
    checkPath(to, '/to');
    requireGroupInside(scope, from, 'renaming the group');
    requireGroupInside(scope, to, 'the new name');
    await mustGet(from);
    if (to === from || to.startsWith(`${from}/`))
      throw new ValidationError(`group "${from}" cannot be moved to "${to}", at or below itself`, { path: '/to' });
    const moving = await d.store.atOrBelow(from);
    const taken = await d.store.byPaths(moving.map((g) => renamedPath(g.path, from, to)!));
    if (taken.length > 0)
      throw new HubError(ErrorCode.GroupExists, `group "${taken[0].path}" already exists`, {
        existing: taken.map((g) => g.path).slice(0, 50),
      });
    const r = {
      from,
      to,
      path: (p: string) => renamedPath(p, from, to),
      filter: (text: string) => renameGroupInFilter(text, from, to),
    };
    const outcomes = await d.store.renameIn(d.references, r, (o) => refusedIn(o).length === 0);
    const refused = refusedIn(outcomes);
    if (refused.length > 0)
      throw new HubError(
        ErrorCode.GroupReferencesUnrewritable,
        `group "${from}" was not renamed: ${refused.length} reference(s) cannot be rewritten: ${refused.slice(0, 5).join('; ')}`,
        { refused: refused.slice(0, 100) },
      );
    const references = Object.fromEntries([...outcomes].map(([name, o]) => [name, o.changed]));
    const groups = moving.map((g) => ({ from: g.path, to: renamedPath(g.path, from, to)! }));
    await d.audit.record({ actor, action: 'group.rename', target: `group:${to}`, details: { from, to, references } });
    d.membership.changed('all');
    return { from, to, groups, references };
  }

  /** Presence, health, compliance, open alerts and firmware per model of the group's devices in the scope. */
  async function rollup(scope: DeviceScope, path: string) {
    await mustGet(path, scope);
    const where = await groupWhere(path);
    return groupRollup(d.rollup, scope, where, path);
  }

  return { create, update, remove, changeMembers, list, get, rename, rollup };
}

function checkPath(path: string, at: string): void {
  if (!PATH.test(path))
    throw new ValidationError('group path must be lowercase segments separated by "/", e.g. north/substation-7', {
      path: at,
    });
}

function refusedIn(outcomes: Map<string, GroupRenameOutcome>): string[] {
  return [...outcomes.values()].flatMap((o) => o.refused);
}

/**
 * A dynamic group's filter selects across the whole fleet, and a group inside a scope widens that
 * scope to all it selects: a group-scoped caller may not write one.
 */
function refuseScopedFilter(scope: DeviceScope): void {
  if (scope.unrestricted) return;
  throw new HubError(
    ErrorCode.Forbidden,
    'a group-scoped user may not write a dynamic group filter: it would widen the scope',
    {
      reason: 'outside_scope',
      group: null,
    },
  );
}

/** True when `path` is one of the scope's groups or below one (an unrestricted scope holds every group). */
export function withinPaths(scope: Pick<DeviceScope, 'unrestricted' | 'groups'>, path: string): boolean {
  return scope.unrestricted || scope.groups.some((g) => path === g || path.startsWith(`${g}/`));
}
