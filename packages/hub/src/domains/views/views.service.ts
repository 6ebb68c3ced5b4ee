import type { SavedView, SavedViewInput } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, Forbidden, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { AuditLog } from '../audit/index.js';
import { SORT_FIELDS, type SortField } from '../devices/index.js';
import type { DeviceSelector } from '../devices/index.js';
import { actorOf, type Principal } from '../users/index.js';
import type { StoredView, ViewsStore } from './views.store.js';

/** How many views one user may keep: enough for any real use, bounded against a runaway script. */
export const MAX_VIEWS_PER_USER = 200;
const COLUMN = /^[a-z][a-z0-9_.:-]{0,63}$/;
const DEFAULT_COLUMNS = ['name', 'presence', 'model', 'firmware', 'last_seen', 'tags'];

export interface ViewsService {
  list(
    p: Principal,
    confined: boolean,
  ): Promise<{
    items: SavedView[];
  }>;
  get(p: Principal, id: string, confined: boolean): Promise<SavedView>;
  create(p: Principal, input: SavedViewInput): Promise<SavedView>;
  /** Only the owner changes a view (an admin may delete a shared one, not rewrite it). */
  update(p: Principal, id: string, patch: Partial<SavedViewInput>, confined: boolean): Promise<SavedView>;
  remove(p: Principal, id: string, confined: boolean): Promise<void>;
}

/**
 * Saved device views. Everyone, viewers included, keeps their own; a shared one is shown to all.
 * A view holds no rights: it is a filter, sort and columns, and opening one is the same device-list
 * request as typing its filter.
 */
export function createViewsService(d: {
  store: ViewsStore;
  selector: DeviceSelector;
  audit: AuditLog;
  clock: Clock;
}): ViewsService {
  const seenBy = (p: Principal, v: StoredView): SavedView => {
    const { ownerId, ...rest } = v;
    return { ...rest, mine: ownerId === p.userId };
  };

  async function checked(input: SavedViewInput, base?: StoredView) {
    const name = input.name.trim();
    if (!name) throw new ValidationError('a view needs a name', { path: '/name' });
    const filter = (input.filter ?? base?.filter ?? '').trim();
    if (filter) await d.selector.validate(filter);
    const sort = input.sort ?? base?.sort ?? 'name';
    if (!SORT_FIELDS.includes(sort as SortField))
      throw new ValidationError(`sort must be one of ${SORT_FIELDS.join(', ')}`, { path: '/sort' });
    const columns = input.columns ?? base?.columns ?? DEFAULT_COLUMNS;
    const bad = columns.findIndex((c) => !COLUMN.test(c));
    if (bad >= 0)
      throw new ValidationError('a column is a lowercase name such as "firmware"', { path: `/columns/${bad}` });
    if (new Set(columns).size !== columns.length)
      throw new ValidationError('a column appears twice', { path: '/columns' });
    return {
      name,
      filter,
      sort,
      order: input.order ?? base?.order ?? 'asc',
      columns,
      shared: input.shared ?? base?.shared ?? false,
    };
  }

  /**
   * Another user's private view does not exist for the caller; nor does any other user's view for a
   * group-scoped caller, who keeps its own views only (a shared filter may name groups outside).
   */
  async function mustGet(p: Principal, id: string, confined: boolean): Promise<StoredView> {
    const v = await d.store.byId(id);
    if (!v || (v.ownerId !== p.userId && (!v.shared || confined))) throw new NotFound('view', id);
    return v;
  }

  return {
    async list(p: Principal, confined: boolean) {
      const views = (await d.store.visibleTo(p.userId)).filter((v) => !confined || v.ownerId === p.userId);
      return { items: views.map((v) => seenBy(p, v)) };
    },

    async get(p: Principal, id: string, confined: boolean) {
      return seenBy(p, await mustGet(p, id, confined));
    },

    async create(p: Principal, input: SavedViewInput) {
      const c = await checked(input);
      if (await d.store.byOwnerAndName(p.userId, c.name))
        throw new Conflict(`you already have a view named "${c.name}"`, { name: c.name });
      if ((await d.store.countOf(p.userId)) >= MAX_VIEWS_PER_USER)
        throw new ValidationError(`a user keeps at most ${MAX_VIEWS_PER_USER} views; delete one first`, {
          path: '/name',
        });
      const now = d.clock.now().toISOString();
      const v: StoredView = {
        id: newId('view'),
        ownerId: p.userId,
        owner: p.username,
        ...c,
        createdAt: now,
        updatedAt: now,
      };
      await d.store.insert(v);
      await d.audit.record({
        actor: actorOf(p),
        action: 'view.create',
        target: `view:${v.id}`,
        details: { name: v.name, shared: v.shared, filter: v.filter },
      });
      return seenBy(p, v);
    },

    /** Only the owner changes a view (an admin may delete a shared one, not rewrite it). */
    async update(p: Principal, id: string, patch: Partial<SavedViewInput>, confined: boolean) {
      const v = await mustGet(p, id, confined);
      if (v.ownerId !== p.userId) throw new Forbidden('only the owner of a view can change it');
      const c = await checked({ ...patch, name: patch.name ?? v.name }, v);
      if (c.name !== v.name && (await d.store.byOwnerAndName(p.userId, c.name)))
        throw new Conflict(`you already have a view named "${c.name}"`, { name: c.name });
      const updatedAt = d.clock.now().toISOString();
      await d.store.update(id, { ...c, updatedAt });
      await d.audit.record({
        actor: actorOf(p),
        action: 'view.update',
        target: `view:${id}`,
        details: { name: c.name, shared: c.shared, filter: c.filter },
      });
      return seenBy(p, { ...v, ...c, updatedAt });
    },

    async remove(p: Principal, id: string, confined: boolean) {
      const v = await mustGet(p, id, confined);
      if (v.ownerId !== p.userId && p.role !== 'admin')
        throw new Forbidden('only the owner of a view or an admin can delete it');
      await d.store.remove(id);
      await d.audit.record({
        actor: actorOf(p),
        action: 'view.delete',
        target: `view:${id}`,
        details: { name: v.name, owner: v.owner },
      });
    },
  };
}
