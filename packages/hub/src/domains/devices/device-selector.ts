import { ErrorCode, type Group } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { HubError } from '../../platform/errors.js';
import type { GroupsStore } from '../groups/index.js';
import { compileFilter, compileFilterText, groupPathsIn, parseFilter, type FilterAst } from './filter/index.js';
import type { DeviceWhere } from './devices.types.js';

// Dynamic groups may name other groups; stop following references past this depth.
const MAX_GROUP_DEPTH = 8;

export interface DeviceSelector {
  /** Compiles a filter (null = every device) to a WHERE clause; throws a HubError with the position of a mistake. */
  where(filter: string | null | undefined): Promise<DeviceWhere | null>;
  /** Checks a filter without running it. */
  validate(filter: string): Promise<void>;
  /**
   * The condition `group = "<path>"` of each of `groups`, compiled against `groups` alone (no
   * read): for a caller that holds every group already. A group whose condition does not compile
   * (a broken reference) is left out.
   */
  groupWheres(groups: readonly GroupDefinition[]): Map<string, DeviceWhere>;
}

/** What compiling a reference to a group needs of it. */
export type GroupDefinition = Pick<Group, 'id' | 'path' | 'kind' | 'filter'>;

function filterError(e: { code: string; message: string; position?: number; length?: number }): HubError {
  const code = e.code === 'filter_unknown_field' ? ErrorCode.FilterUnknownField : ErrorCode.FilterSyntax;
  return new HubError(code, e.message, { position: e.position ?? 0, length: e.length, reason: e.code });
}

export function createDeviceSelector(deps: { groups: GroupsStore; clock: Clock }): DeviceSelector {
  function parse(text: string): FilterAst {
    const r = parseFilter(text);
    if (!r.ok) throw filterError(r.error);
    return r.ast;
  }

  async function loadGroups(ast: FilterAst) {
    const groups = new Map<string, { id: string; kind: 'static' | 'dynamic'; filter: string | null }>();
    let wanted = groupPathsIn(ast);
    for (let depth = 0; wanted.length > 0 && depth < MAX_GROUP_DEPTH; depth++) {
      const found = await deps.groups.byPaths(wanted.filter((p) => !groups.has(p)));
      const next: string[] = [];
      for (const g of found) {
        groups.set(g.path, { id: g.id, kind: g.kind, filter: g.filter });
        if (g.kind === 'dynamic' && g.filter) {
          const inner = parseFilter(g.filter);
          if (inner.ok) next.push(...groupPathsIn(inner.ast));
        }
      }
      wanted = next.filter((p) => !groups.has(p));
    }
    return groups;
  }

  async function where(filter: string | null | undefined): Promise<DeviceWhere | null> {
    if (filter == null || filter.trim() === '') return null;
    const ast = parse(filter);
    const compiled = compileFilter(ast, { groups: await loadGroups(ast), now: deps.clock.now() });
    if (!compiled.ok) throw filterError(compiled.error);
    return compiled.sql;
  }

  return {
    where,
    async validate(filter) {
      await where(filter);
    },
    groupWheres(groups) {
      const known = new Map(groups.map((g) => [g.path, { id: g.id, kind: g.kind, filter: g.filter }]));
      const now = deps.clock.now();
      const out = new Map<string, DeviceWhere>();
      for (const g of groups) {
        const compiled = compileFilterText(`group = ${JSON.stringify(g.path)}`, { groups: known, now });
        if (compiled.ok) out.set(g.path, compiled.sql);
      }
      return out;
    },
  };
}
