import { Type } from '@sinclair/typebox';
import { GuardPolicyInput, GuardTable } from '../guard-messages.js';
import { GuardStateName } from '../guard-policy-rules.js';
import { defineRoute } from './define-route.js';
import { IdParam, literals } from './common.schemas.js';

export const GuardGroupParam = Type.Object({ path: Type.String({ maxLength: 256 }) });
const Word = Type.Integer({ minimum: 0, maximum: 0xffff });
const Reason = Type.String({ minLength: 1, maxLength: 512 });
const Otp = Type.String({ minLength: 6, maxLength: 32 });
export const GuardGrantBody = Type.Object(
  {
    unit: Word,
    table: GuardTable,
    start: Word,
    end: Word,
    durationS: Type.Integer({ minimum: 1, maximum: 86_400 }),
    reason: Reason,
    /** A named state the grant also sets while valid (a hotline tag), with the ticket it is issued under. */
    setsState: Type.Optional(GuardStateName),
    ticket: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /** A TOTP code, for callers that must step up and have not done so in this session. */
    otp: Type.Optional(Otp),
  },
  { additionalProperties: false },
);
export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
/** Field devices across the fleet: vendor and product match case-insensitively as substrings. */
export const FieldDevicesQuery = Type.Object(
  {
    vendor: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    product: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /** Only devices whose firmware revision is older than this version. */
    firmwareBelow: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** How the identity was learnt: read from a master's exchange, or asked by the guard itself. */
    source: Type.Optional(Type.Union([Type.Literal('passive'), Type.Literal('active')])),
    /** Substring of where the device sits, e.g. "rtu:" or "/dev/ttyS1". */
    interface: Type.Optional(Type.String({ minLength: 1, maxLength: 160 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }));
export const GuardHistoryQuery = Type.Object({ limit: Limit });
/** Up to a week back, counted per hour. */
export const GuardBlockedQuery = Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })) });
export const GuardPoliciesQuery = Type.Object({
  scope: Type.Optional(literals(['device', 'group'])),
  limit: Limit,
});
export const GuardGrantsQuery = Type.Object({
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  active: Type.Optional(Type.Boolean()),
  limit: Limit,
});
export const GuardEventsQuery = Type.Object({
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  since: Type.Optional(Type.String({ maxLength: 40 })),
  until: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Limit,
});
export const RotateGuardKeyBody = Type.Object(
  { reason: Reason, otp: Type.Optional(Otp) },
  { additionalProperties: false },
);

const tag = 'guard';
const read = { tag, role: 'viewer' } as const;
const write = { tag, role: 'operator' } as const;
const device = { params: IdParam } as const;
const group = { params: GuardGroupParam } as const;

/** OT guard: policies per device or group, signed write grants, the signing key and guard events. */
export const GUARD_ROUTES = {
  key: defineRoute({ ...read, id: 'guard.key', scope: 'global', method: 'GET', path: '/api/v1/guard/key' }),
  // Replacing the grant-signing key: devices follow it through the endorsement chain.
  rotateKey: defineRoute({
    tag,
    id: 'guard.rotateKey',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/guard/key/rotate',
    role: 'admin',
    body: RotateGuardKeyBody,
  }),
  policies: defineRoute({
    ...read,
    id: 'guard.policies',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/guard/policies',
    query: GuardPoliciesQuery,
  }),
  status: defineRoute({
    ...read,
    ...device,
    id: 'guard.status',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/guard/devices/:id',
  }),
  /** How many `guard.blocked` events the device reported in each hour of the range (hours without any left out). */
  blockedPerHour: defineRoute({
    ...read,
    ...device,
    id: 'guard.blockedPerHour',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/guard/devices/:id/blocked',
    query: GuardBlockedQuery,
  }),
  setDevicePolicy: defineRoute({
    ...write,
    ...device,
    id: 'guard.setDevicePolicy',
    scope: 'device',
    method: 'PUT',
    path: '/api/v1/guard/devices/:id/policy',
    body: GuardPolicyInput,
  }),
  clearDevicePolicy: defineRoute({
    ...write,
    ...device,
    id: 'guard.clearDevicePolicy',
    scope: 'device',
    method: 'DELETE',
    path: '/api/v1/guard/devices/:id/policy',
  }),
  devicePolicyHistory: defineRoute({
    ...read,
    ...device,
    id: 'guard.devicePolicyHistory',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/guard/devices/:id/policy/history',
    query: GuardHistoryQuery,
  }),
  groupPolicy: defineRoute({
    ...read,
    ...group,
    id: 'guard.groupPolicy',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/guard/groups/:path/policy',
    query: GuardHistoryQuery,
  }),
  setGroupPolicy: defineRoute({
    ...write,
    ...group,
    id: 'guard.setGroupPolicy',
    scope: 'fleet',
    method: 'PUT',
    path: '/api/v1/guard/groups/:path/policy',
    body: GuardPolicyInput,
  }),
  clearGroupPolicy: defineRoute({
    ...write,
    ...group,
    id: 'guard.clearGroupPolicy',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/guard/groups/:path/policy',
  }),
  grant: defineRoute({
    ...write,
    ...device,
    id: 'guard.grant',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/guard/devices/:id/grants',
    body: GuardGrantBody,
  }),
  grants: defineRoute({
    ...read,
    id: 'guard.grants',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/guard/grants',
    query: GuardGrantsQuery,
  }),
  revokeGrant: defineRoute({
    ...write,
    params: IdParam,
    id: 'guard.revokeGrant',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/guard/grants/:id/revoke',
    body: ReasonBody,
  }),
  deviceFieldDevices: defineRoute({
    ...read,
    ...device,
    id: 'guard.deviceFieldDevices',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/field-devices',
  }),
  fieldDevices: defineRoute({
    ...read,
    id: 'guard.fieldDevices',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/field-devices',
    query: FieldDevicesQuery,
  }),
  events: defineRoute({
    ...read,
    id: 'guard.events',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/guard/events',
    query: GuardEventsQuery,
  }),
};
