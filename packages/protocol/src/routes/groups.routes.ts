import { Type, type Static } from '@sinclair/typebox';
import type { Group } from '../api-types.js';
import { defineRoute } from './define-route.js';
import { FilterText, literals } from './common.schemas.js';

// Paths contain "/", so they travel URL-encoded in one segment.
const GroupPath = Type.String({ minLength: 1, maxLength: 600 });
export const GroupPathParam = Type.Object({ path: GroupPath });
const Description = Type.String({ maxLength: 1024 });
export const NewGroupBody = Type.Object(
  {
    path: GroupPath,
    kind: literals(['static', 'dynamic']),
    filter: Type.Optional(FilterText),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);
export type NewGroupBody = Static<typeof NewGroupBody>;
export const PatchGroupBody = Type.Object(
  { filter: Type.Optional(FilterText), description: Type.Optional(Description) },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchGroupBody = Static<typeof PatchGroupBody>;
export const GroupMembersBody = Type.Object(
  {
    deviceIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10_000 })),
    filter: Type.Optional(FilterText),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type GroupMembersBody = Static<typeof GroupMembersBody>;

export const RenameGroupBody = Type.Object(
  {
    to: GroupPath,
    // A TOTP code, for a caller whose second factor is older than the step-up window.
    otp: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
/** Every group at or below the renamed path, moved, and how many references each holder rewrote. */
export const GroupRenameResult = Type.Object({
  from: GroupPath,
  to: GroupPath,
  groups: Type.Array(Type.Object({ from: GroupPath, to: GroupPath })),
  references: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
});
export type GroupRenameResult = Static<typeof GroupRenameResult>;

/** A group with how many devices it holds, subgroups included. */
export type GroupWithCount = Group & { deviceCount: number };
/** A group as listed: also its direct static members (null for a dynamic group). */
export type GroupListItem = GroupWithCount & { directMembers: number | null };

/** One group at a glance: its devices (with subgroups) that the caller may see. */
export interface GroupRollup {
  path: string;
  devices: number;
  presence: { online: number; offline: number; neverSeen: number };
  /** Devices per health verdict (ok, warning, critical, unknown). */
  health: Record<string, number>;
  /** Configuration sources on the group's devices per compliance state. */
  compliance: Record<string, number>;
  alerts: { open: number; bySeverity: Record<string, number> };
  firmware: Array<{ model: string | null; firmware: string | null; devices: number }>;
}

const tag = 'groups';
const byPath = { params: GroupPathParam } as const;

/** Device groups: static member lists or dynamic filters, addressed by their "/"-separated path. */
export const GROUPS_ROUTES = {
  list: defineRoute({ tag, id: 'groups.list', scope: 'fleet', method: 'GET', path: '/api/v1/groups', role: 'viewer' }),
  get: defineRoute({
    tag,
    ...byPath,
    id: 'groups.get',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/groups/:path',
    role: 'viewer',
  }),
  rollup: defineRoute({
    tag,
    ...byPath,
    id: 'groups.rollup',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/groups/:path/rollup',
    role: 'viewer',
  }),
  create: defineRoute({
    tag,
    id: 'groups.create',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/groups',
    role: 'operator',
    body: NewGroupBody,
  }),
  update: defineRoute({
    tag,
    ...byPath,
    id: 'groups.update',
    scope: 'fleet',
    method: 'PATCH',
    path: '/api/v1/groups/:path',
    role: 'operator',
    body: PatchGroupBody,
  }),
  remove: defineRoute({
    tag,
    ...byPath,
    id: 'groups.remove',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/groups/:path',
    role: 'operator',
  }),
  rename: defineRoute({
    tag,
    ...byPath,
    id: 'groups.rename',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/groups/:path/rename',
    role: 'admin',
    body: RenameGroupBody,
  }),
  addMembers: defineRoute({
    tag,
    ...byPath,
    id: 'groups.addMembers',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/groups/:path/members/add',
    role: 'operator',
    body: GroupMembersBody,
  }),
  removeMembers: defineRoute({
    tag,
    ...byPath,
    id: 'groups.removeMembers',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/groups/:path/members/remove',
    role: 'operator',
    body: GroupMembersBody,
  }),
};
