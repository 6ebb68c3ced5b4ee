import { ErrorCode } from '@outpost/protocol';
import { HubError, NotFound } from './errors.js';

/**
 * The group-scope checks every domain shares (docs/ROLES.md). A caller's scope is a list of group
 * paths, each covering itself and every group below it ([] with `unrestricted` = every device).
 * Objects that reach devices (rollouts, templates, guard policies, alert rules, reports…) name a
 * target group and/or a filter; one made by a scoped caller also keeps that caller's groups
 * (`within`), and its filter is narrowed to them each time it is evaluated.
 */
export interface ScopeGroups {
  readonly unrestricted: boolean;
  readonly groups: readonly string[];
}

/** What an object reaches: a group (with its subgroups), a filter, and the scope it was made in. */
export interface Reach {
  readonly group?: string | null;
  readonly filter?: string | null;
  /** The groups of the scoped caller who made it; absent or [] = made by a caller who sees every device. */
  readonly within?: readonly string[] | null;
}

/** True when group `path` is one of `scopePaths` or below one of them. */
export function groupInside(path: string, scopePaths: readonly string[]): boolean {
  return scopePaths.some((g) => path === g || path.startsWith(`${g}/`));
}

/** True when the caller may see group `path` (an unrestricted caller sees every group). */
export function groupVisible(scope: ScopeGroups, path: string): boolean {
  return scope.unrestricted || groupInside(path, scope.groups);
}

/**
 * True when everything `reach` can select lies inside the caller's scope: its group is inside, or
 * it was made in a scope that lies inside the caller's. A whole-fleet object (no group, made by an
 * unrestricted caller) is seen by unrestricted callers only.
 */
export function reachInside(scope: ScopeGroups, reach: Reach): boolean {
  if (scope.unrestricted) return true;
  if (reach.group && groupInside(reach.group, scope.groups)) return true;
  const within = reach.within ?? [];
  return within.length > 0 && within.every((g) => groupInside(g, scope.groups));
}

/** Refusal of a target outside the caller's scope, naming the group at fault. */
export function outsideScopeGroup(what: string, group: string | null): HubError {
  const named = group === null ? 'the whole fleet' : `group "${group.slice(0, 256)}"`;
  return new HubError(ErrorCode.Forbidden, `${what} would reach ${named}, outside your scope`, {
    reason: 'outside_scope',
    group,
  });
}

/** Refuses `path` unless it lies inside the caller's scope. */
export function requireGroupInside(scope: ScopeGroups, path: string, what: string): void {
  if (!groupVisible(scope, path)) throw outsideScopeGroup(what, path);
}

/**
 * The reach a caller may give a new or changed object: a group target must lie inside the scope;
 * a filter target is kept and narrowed to the caller's groups at run time (`within`).
 */
export function claimReach<R extends Reach>(scope: ScopeGroups, reach: R, what: string): R {
  if (scope.unrestricted) return { ...reach, within: undefined };
  if (reach.group) requireGroupInside(scope, reach.group, what);
  return { ...reach, within: [...scope.groups] };
}

/** `text` (a filter, null = every device) narrowed to `within` ([] or absent = not narrowed). */
export function narrowFilterText(text: string | null, within: readonly string[] | null | undefined): string | null {
  if (!within || within.length === 0) return text;
  const groups = within.map((g) => `group = ${JSON.stringify(g)}`).join(' or ');
  return text === null || text.trim() === '' ? `(${groups})` : `(${text}) and (${groups})`;
}

/** The answer for an object outside the scope: the same as one that does not exist. */
export function hiddenOutsideScope<T>(
  scope: ScopeGroups,
  reach: Reach | null | undefined,
  what: string,
  id: string,
  value: T,
): T {
  if (!reach || !reachInside(scope, reach)) throw new NotFound(what, id);
  return value;
}

/** The scope of the hub's own work and of callers who see every device. */
export const EVERY_DEVICE: ScopeGroups = Object.freeze({ unrestricted: true, groups: [] });
