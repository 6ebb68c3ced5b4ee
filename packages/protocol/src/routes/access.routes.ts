import { Type } from '@sinclair/typebox';
import { RELAY_DEVICE_PATH, RELAY_OPERATOR_PATH } from '../access-messages.js';
import { defineRoute } from './define-route.js';
import { IdParam, literals } from './common.schemas.js';

const Otp = Type.Optional(Type.String({ minLength: 6, maxLength: 32 }));
export const NewAccessSessionBody = Type.Object(
  {
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    target: Type.String({ minLength: 1, maxLength: 300 }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    durationS: Type.Integer({ minimum: 1, maximum: 7 * 86_400 }),
    otp: Otp,
  },
  { additionalProperties: false },
);
export const AccessDecisionBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })), otp: Otp },
  { additionalProperties: false },
);
export const AccessOpenBody = Type.Object({ otp: Otp }, { additionalProperties: false });
export const AccessTerminateBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export const AccessSessionsQuery = Type.Object({
  deviceId: Type.Optional(Type.String({ maxLength: 64 })),
  /** Comma-separated access states. */
  state: Type.Optional(Type.String({ maxLength: 200 })),
  mine: Type.Optional(Type.Boolean()),
  live: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  before: Type.Optional(Type.String({ maxLength: 40 })),
});
const policyFields = {
  targets: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 64 }),
  roles: Type.Optional(Type.Array(literals(['operator', 'admin']), { minItems: 1, maxItems: 2 })),
  maxDurationS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
  requireReason: Type.Optional(Type.Boolean()),
  requireApproval: Type.Optional(Type.Boolean()),
  mfaMaxAgeS: Type.Optional(Type.Union([Type.Integer({ minimum: 10, maximum: 86_400 }), Type.Null()])),
  maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  captureTcp: Type.Optional(Type.Boolean()),
};
export const NewAccessPolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    deviceId: Type.Optional(Type.String({ maxLength: 64 })),
    group: Type.Optional(Type.String({ maxLength: 520 })),
    ...policyFields,
  },
  { additionalProperties: false },
);
export const PatchAccessPolicyBody = Type.Object(
  { ...policyFields, targets: Type.Optional(policyFields.targets) },
  { additionalProperties: false, minProperties: 1 },
);
export const AccessSettingsBody = Type.Object(
  { recordingRetentionDays: Type.Integer({ minimum: 1, maximum: 3650 }) },
  { additionalProperties: false },
);

const tag = 'access';
const session = { tag, params: IdParam } as const;
const policy = { tag, role: 'admin', params: IdParam } as const;

/** Remote access: policies, sessions (request, approve, open, terminate), recordings and the relay. */
export const ACCESS_ROUTES = {
  policies: defineRoute({
    tag,
    id: 'access.policies',
    scope: 'global',
    alsoFor: ['technician'],
    method: 'GET',
    path: '/api/v1/access/policies',
    role: 'viewer',
  }),
  createPolicy: defineRoute({
    tag,
    id: 'access.createPolicy',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/access/policies',
    role: 'admin',
    body: NewAccessPolicyBody,
  }),
  updatePolicy: defineRoute({
    ...policy,
    id: 'access.updatePolicy',
    scope: 'global',
    method: 'PATCH',
    path: '/api/v1/access/policies/:id',
    body: PatchAccessPolicyBody,
  }),
  deletePolicy: defineRoute({
    ...policy,
    id: 'access.deletePolicy',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/access/policies/:id',
  }),
  sessions: defineRoute({
    tag,
    id: 'access.sessions',
    scope: 'fleet',
    alsoFor: ['technician'],
    method: 'GET',
    path: '/api/v1/access/sessions',
    role: 'viewer',
    query: AccessSessionsQuery,
  }),
  request: defineRoute({
    tag,
    id: 'access.request',
    scope: 'fleet',
    alsoFor: ['technician'],
    method: 'POST',
    path: '/api/v1/access/sessions',
    role: 'operator',
    body: NewAccessSessionBody,
  }),
  session: defineRoute({
    ...session,
    id: 'access.session',
    scope: 'fleet',
    alsoFor: ['technician'],
    method: 'GET',
    path: '/api/v1/access/sessions/:id',
    role: 'viewer',
  }),
  approve: defineRoute({
    ...session,
    id: 'access.approve',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/access/sessions/:id/approve',
    role: 'operator',
    body: AccessDecisionBody,
  }),
  deny: defineRoute({
    ...session,
    id: 'access.deny',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/access/sessions/:id/deny',
    role: 'operator',
    body: AccessDecisionBody,
  }),
  open: defineRoute({
    ...session,
    id: 'access.open',
    scope: 'fleet',
    alsoFor: ['technician'],
    method: 'POST',
    path: '/api/v1/access/sessions/:id/open',
    role: 'operator',
    body: AccessOpenBody,
  }),
  cancel: defineRoute({
    ...session,
    id: 'access.cancel',
    scope: 'fleet',
    alsoFor: ['technician'],
    method: 'POST',
    path: '/api/v1/access/sessions/:id/cancel',
    role: 'operator',
  }),
  // The kill switch.
  terminate: defineRoute({
    ...session,
    id: 'access.terminate',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/access/sessions/:id/terminate',
    role: 'admin',
    body: AccessTerminateBody,
  }),
  /** A session's recording as a file download (asciicast or pcap), its SHA-256 in `x-outpost-sha256`. */
  recording: defineRoute({
    ...session,
    id: 'access.recording',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/access/sessions/:id/recording',
    role: 'operator',
  }),
  settings: defineRoute({
    tag,
    id: 'access.settings',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/access/settings',
    role: 'admin',
  }),
  putSettings: defineRoute({
    tag,
    id: 'access.putSettings',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/access/settings',
    role: 'admin',
    body: AccessSettingsBody,
  }),
  /** The operator's leg of a relayed session (WebSocket; the session's operator token authorises it). */
  relayOperator: defineRoute({
    tag,
    id: 'access.relayOperator',
    scope: 'fleet',
    alsoFor: ['technician'],
    method: 'GET',
    path: RELAY_OPERATOR_PATH,
    role: 'operator',
    websocket: true,
  }),
  /** The device's leg (WebSocket): public, the device's client certificate is checked before the upgrade. */
  relayDevice: defineRoute({
    tag,
    id: 'access.relayDevice',
    scope: 'none',
    method: 'GET',
    path: RELAY_DEVICE_PATH,
    role: 'public',
    websocket: true,
  }),
};
