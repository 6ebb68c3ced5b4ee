import { defineRoute } from './define-route.js';

/** groups: method, path and role; the request schemas still live in the hub's routes. */
export const GROUPS_ROUTES = {
  getGroups: defineRoute({
    id: 'groups.getGroups',
    method: 'GET',
    path: '/api/v1/groups',
    role: 'viewer',
    tag: 'groups',
  }),
  getGroupsByPath: defineRoute({
    id: 'groups.getGroupsByPath',
    method: 'GET',
    path: '/api/v1/groups/:path',
    role: 'viewer',
    tag: 'groups',
  }),
  postGroups: defineRoute({
    id: 'groups.postGroups',
    method: 'POST',
    path: '/api/v1/groups',
    role: 'operator',
    tag: 'groups',
  }),
  patchGroupsByPath: defineRoute({
    id: 'groups.patchGroupsByPath',
    method: 'PATCH',
    path: '/api/v1/groups/:path',
    role: 'operator',
    tag: 'groups',
  }),
  deleteGroupsByPath: defineRoute({
    id: 'groups.deleteGroupsByPath',
    method: 'DELETE',
    path: '/api/v1/groups/:path',
    role: 'operator',
    tag: 'groups',
  }),
  postGroupsByPathMembersAdd: defineRoute({
    id: 'groups.postGroupsByPathMembersAdd',
    method: 'POST',
    path: '/api/v1/groups/:path/members/add',
    role: 'operator',
    tag: 'groups',
  }),
  postGroupsByPathMembersRemove: defineRoute({
    id: 'groups.postGroupsByPathMembersRemove',
    method: 'POST',
    path: '/api/v1/groups/:path/members/remove',
    role: 'operator',
    tag: 'groups',
  }),
};
