import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam, literals } from './common.schemas.js';

export const DeviceListQuery = Type.Object({
  filter: Type.Optional(FilterText),
  sort: Type.Optional(Type.String({ maxLength: 32 })),
  order: Type.Optional(literals(['asc', 'desc'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  count: Type.Optional(Type.Boolean()),
});
const TagKey = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
const tagChange = {
  set: Type.Optional(Type.Record(TagKey, Type.String({ maxLength: 256 }), { maxProperties: 64 })),
  remove: Type.Optional(Type.Array(TagKey, { maxItems: 64 })),
};
export const DeviceTagsBody = Type.Object(tagChange, { additionalProperties: false });
export const FleetTagsBody = Type.Object({ filter: FilterText, ...tagChange }, { additionalProperties: false });
export const PatchDeviceBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    location: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const RevokeDeviceBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);
export const HoursQuery = Type.Object({
  hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 366 })),
});
export const DeviceEventsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Only events of this type (the whole value, e.g. `agent.command_rejected`). */
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_.-]+$' })),
});

const tag = 'devices';
const read = { tag, role: 'viewer', params: IdParam } as const;
const write = { tag, role: 'operator', params: IdParam } as const;
const retire = { tag, role: 'admin', params: IdParam, body: RevokeDeviceBody } as const;

/** The device inventory: listing, naming, tags, retirement and each device's history. */
export const DEVICES_ROUTES = {
  list: defineRoute({
    tag,
    id: 'devices.list',
    scope: 'fleet',
    alsoFor: ['technician'],
    method: 'GET',
    path: '/api/v1/devices',
    role: 'viewer',
    query: DeviceListQuery,
  }),
  get: defineRoute({
    ...read,
    id: 'devices.get',
    scope: 'device',
    alsoFor: ['technician'],
    method: 'GET',
    path: '/api/v1/devices/:id',
  }),
  update: defineRoute({
    ...write,
    id: 'devices.update',
    scope: 'device',
    method: 'PATCH',
    path: '/api/v1/devices/:id',
    body: PatchDeviceBody,
  }),
  tag: defineRoute({
    ...write,
    id: 'devices.tag',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/devices/:id/tags',
    body: DeviceTagsBody,
  }),
  tagWhere: defineRoute({
    tag,
    id: 'devices.tagWhere',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/devices/tags',
    role: 'operator',
    body: FleetTagsBody,
  }),
  revoke: defineRoute({
    ...retire,
    id: 'devices.revoke',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/devices/:id/revoke',
  }),
  decommission: defineRoute({
    ...retire,
    id: 'devices.decommission',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/devices/:id/decommission',
  }),
  events: defineRoute({
    ...read,
    id: 'devices.events',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/events',
    query: DeviceEventsQuery,
  }),
  availability: defineRoute({
    ...read,
    id: 'devices.availability',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/availability',
    query: HoursQuery,
  }),
  health: defineRoute({
    ...read,
    id: 'devices.health',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/health',
    query: HoursQuery,
  }),
  /**
   * Marks for the device's charts over the last `hours`: reboots it was sent, update jobs that
   * ended, offline stretches and alerts that fired, oldest first (at most 200 of each kind).
   */
  timeline: defineRoute({
    ...read,
    id: 'devices.timeline',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/timeline',
    query: HoursQuery,
  }),
  /** The commands the device's last hello announced (none before its first hello). */
  supportedCommands: defineRoute({
    ...read,
    id: 'devices.supportedCommands',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/supported-commands',
  }),
  certificates: defineRoute({
    ...read,
    id: 'devices.certificates',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/certificates',
  }),
};
