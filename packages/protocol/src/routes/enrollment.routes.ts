import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { IdParam } from './common.schemas.js';

export const EnrollBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 128 }),
    csrPem: Type.String({ minLength: 1, maxLength: 8192 }),
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
const TagKey = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
export const NewEnrollmentTokenBody = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 128 }),
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    expiresInHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 365 })),
    group: Type.Optional(Type.String({ maxLength: 512 })),
    tags: Type.Optional(Type.Record(TagKey, Type.String({ maxLength: 256 }), { maxProperties: 64 })),
  },
  { additionalProperties: false },
);

const tag = 'enrollment';

/** Device enrollment and the tokens that admit devices. */
export const ENROLLMENT_ROUTES = {
  // Public: the enrollment token in the body is the credential.
  enroll: defineRoute({
    tag,
    id: 'enrollment.enroll',
    scope: 'none',
    method: 'POST',
    path: '/api/v1/enroll',
    role: 'public',
    body: EnrollBody,
  }),
  listTokens: defineRoute({
    tag,
    id: 'enrollment.listTokens',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/enrollment-tokens',
    role: 'operator',
  }),
  createToken: defineRoute({
    tag,
    id: 'enrollment.createToken',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/enrollment-tokens',
    role: 'operator',
    body: NewEnrollmentTokenBody,
  }),
  revokeToken: defineRoute({
    tag,
    id: 'enrollment.revokeToken',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/enrollment-tokens/:id',
    role: 'operator',
    params: IdParam,
  }),
  deviceCertificateStatus: defineRoute({
    tag,
    id: 'enrollment.deviceCertificateStatus',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/certificate-status',
    role: 'viewer',
    params: IdParam,
  }),
};
