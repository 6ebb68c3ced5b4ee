import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { DEVICE_SORT_FIELDS, FilterText, IdParam, literals } from './common.schemas.js';

const viewFields = {
  filter: Type.Optional(FilterText),
  sort: Type.Optional(literals(DEVICE_SORT_FIELDS)),
  order: Type.Optional(literals(['asc', 'desc'])),
  columns: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 32 })),
  shared: Type.Optional(Type.Boolean()),
};
const ViewName = Type.String({ minLength: 1, maxLength: 64 });
export const NewViewBody = Type.Object({ name: ViewName, ...viewFields }, { additionalProperties: false });
export const PatchViewBody = Type.Object(
  { name: Type.Optional(ViewName), ...viewFields },
  { additionalProperties: false, minProperties: 1 },
);

const view = { tag: 'views', role: 'viewer' } as const;

/** Saved device views: every signed-in user keeps their own, so every route is open to viewers. */
export const VIEWS_ROUTES = {
  list: defineRoute({ ...view, id: 'views.list', scope: 'fleet', method: 'GET', path: '/api/v1/views' }),
  get: defineRoute({
    ...view,
    id: 'views.get',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/views/:id',
    params: IdParam,
  }),
  create: defineRoute({
    ...view,
    id: 'views.create',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/views',
    body: NewViewBody,
  }),
  update: defineRoute({
    ...view,
    id: 'views.update',
    scope: 'fleet',
    method: 'PATCH',
    path: '/api/v1/views/:id',
    params: IdParam,
    body: PatchViewBody,
  }),
  remove: defineRoute({
    ...view,
    id: 'views.remove',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/views/:id',
    params: IdParam,
  }),
};
