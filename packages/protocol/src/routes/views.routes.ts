import { defineRoute } from './define-route.js';

/** views: method, path and role; the request schemas still live in the hub's routes. */
export const VIEWS_ROUTES = {
  getViews: defineRoute({ id: 'views.getViews', method: 'GET', path: '/api/v1/views', role: 'viewer', tag: 'views' }),
  getViewsById: defineRoute({
    id: 'views.getViewsById',
    method: 'GET',
    path: '/api/v1/views/:id',
    role: 'viewer',
    tag: 'views',
  }),
  postViews: defineRoute({
    id: 'views.postViews',
    method: 'POST',
    path: '/api/v1/views',
    role: 'viewer',
    tag: 'views',
  }),
  patchViewsById: defineRoute({
    id: 'views.patchViewsById',
    method: 'PATCH',
    path: '/api/v1/views/:id',
    role: 'viewer',
    tag: 'views',
  }),
  deleteViewsById: defineRoute({
    id: 'views.deleteViewsById',
    method: 'DELETE',
    path: '/api/v1/views/:id',
    role: 'viewer',
    tag: 'views',
  }),
};
