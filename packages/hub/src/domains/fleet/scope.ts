import type { AlertScope } from '@outpost/protocol';
import { HubError, ValidationError } from '../../platform/errors.js';
import { outsideScopeGroup, reachInside, requireGroupInside, type ScopeGroups } from '../../platform/scope-reach.js';
import type { DeviceSelector } from '../devices/index.js';
import type { DeviceWhere } from '../devices/index.js';

/** Rules and reports choose devices by a group, a filter, both (and), or neither (the whole fleet). */
export function scopeFilter(scope: AlertScope): string | null {
  const parts: string[] = [];
  if (scope.group) parts.push(`group = ${JSON.stringify(scope.group)}`);
  if (scope.filter && scope.filter.trim() !== '') parts.push(`(${scope.filter})`);
  return parts.length ? parts.join(' and ') : null;
}

/** Refuses a scope naming an unknown group or holding a bad filter, with the path of the problem. */
export async function checkScope(selector: DeviceSelector, scope: AlertScope, at = '/scope'): Promise<AlertScope> {
  const out: AlertScope = {};
  if (scope.group !== undefined) {
    try {
      await selector.validate(`group = ${JSON.stringify(scope.group)}`);
    } catch (err) {
      throw new ValidationError(`unknown group "${scope.group}"`, {
        path: `${at}/group`,
        reason: (err as HubError).message,
      });
    }
    out.group = scope.group;
  }
  if (scope.filter !== undefined && scope.filter.trim() !== '') {
    try {
      await selector.validate(scope.filter);
    } catch (err) {
      const e = err as HubError;
      throw new HubError(e.code, e.message, { ...(e.details ?? {}), path: `${at}/filter` });
    }
    out.filter = scope.filter;
  }
  return out;
}

/** The compiled scope; null selects every device. */
export function scopeWhere(selector: DeviceSelector, scope: AlertScope): Promise<DeviceWhere | null> {
  return selector.where(scopeFilter(scope));
}

/**
 * The device scope a group-scoped caller may give a rule or a report: its group must lie inside the
 * caller's groups (the filter only narrows it further). With no group, a caller confined to one
 * group gets that group; one confined to several must name one.
 */
export function claimAlertScope(caller: ScopeGroups, scope: AlertScope, what: string): AlertScope {
  if (caller.unrestricted) return scope;
  if (scope.group) {
    requireGroupInside(caller, scope.group, what);
    return scope;
  }
  if (caller.groups.length === 1) return { ...scope, group: caller.groups[0] };
  throw outsideScopeGroup(what, null);
}

/** True when every device `scope` can select lies inside the caller's groups. */
export function alertScopeInside(caller: ScopeGroups, scope: AlertScope): boolean {
  return reachInside(caller, { group: scope.group ?? null });
}
