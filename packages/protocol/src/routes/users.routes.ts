import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '../api-types.js';
import { defineRoute } from './define-route.js';
import { IdParam, literals } from './common.schemas.js';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    // A TOTP code or a recovery code, for accounts with a second factor.
    otp: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
const RoleSchema = literals(ROLES);
const Password = Type.String({ minLength: 10, maxLength: 256 });
export const NewUserBody = Type.Object(
  { username: Type.String({ pattern: '^[a-zA-Z0-9_.@-]{1,64}$' }), password: Password, role: RoleSchema },
  { additionalProperties: false },
);
export type NewUserBody = Static<typeof NewUserBody>;
export const PatchUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
    // Confine the user to these groups (and their subgroups); [] lifts the confinement.
    groups: Type.Optional(Type.Array(Type.String({ maxLength: 520 }), { maxItems: 64 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchUserBody = Static<typeof PatchUserBody>;
export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export const NewApiTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    role: RoleSchema,
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export type NewApiTokenBody = Static<typeof NewApiTokenBody>;
export const EmptyBody = Type.Object({}, { additionalProperties: false });
export const MfaCodeBody = Type.Object(
  { code: Type.String({ minLength: 6, maxLength: 32 }) },
  { additionalProperties: false },
);
export const MfaPolicyBody = Type.Object(
  {
    admin: Type.Optional(Type.Boolean()),
    operator: Type.Optional(Type.Boolean()),
    viewer: Type.Optional(Type.Boolean()),
    technician: Type.Optional(Type.Boolean()),
    auditor: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

const auth = { tag: 'auth' } as const;
const users = { tag: 'users', role: 'admin' } as const;
const tokens = { tag: 'tokens' } as const;
const mfa = { tag: 'mfa' } as const;
// Open during forced enrollment too (a role that requires MFA, none enrolled yet).
const mfaSetup = { ...mfa, role: 'viewer', mfaSetup: true } as const;

/** Sign-in, users, API tokens and second factors. */
export const USERS_ROUTES = {
  // Public: the password in the body is the credential.
  login: defineRoute({
    ...auth,
    id: 'auth.login',
    scope: 'none',
    method: 'POST',
    path: '/api/v1/auth/login',
    role: 'public',
    body: LoginBody,
  }),
  logout: defineRoute({
    ...auth,
    id: 'auth.logout',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'POST',
    path: '/api/v1/auth/logout',
    role: 'viewer',
    mfaSetup: true,
  }),
  // One's own password; the current one is the proof. Other sessions of the user end.
  changePassword: defineRoute({
    ...auth,
    id: 'auth.changePassword',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'POST',
    path: '/api/v1/auth/password',
    role: 'viewer',
    body: ChangePasswordBody,
  }),
  me: defineRoute({
    ...auth,
    id: 'auth.me',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'GET',
    path: '/api/v1/auth/me',
    role: 'viewer',
    mfaSetup: true,
  }),
  listUsers: defineRoute({ ...users, id: 'users.list', scope: 'global', method: 'GET', path: '/api/v1/users' }),
  createUser: defineRoute({
    ...users,
    id: 'users.create',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/users',
    body: NewUserBody,
  }),
  updateUser: defineRoute({
    ...users,
    id: 'users.update',
    scope: 'global',
    method: 'PATCH',
    path: '/api/v1/users/:id',
    params: IdParam,
    body: PatchUserBody,
  }),
  listTokens: defineRoute({
    ...tokens,
    id: 'tokens.list',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'GET',
    path: '/api/v1/tokens',
    role: 'viewer',
  }),
  createToken: defineRoute({
    ...tokens,
    id: 'tokens.create',
    scope: 'none',
    method: 'POST',
    path: '/api/v1/tokens',
    role: 'operator',
    body: NewApiTokenBody,
  }),
  revokeToken: defineRoute({
    ...tokens,
    id: 'tokens.revoke',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'DELETE',
    path: '/api/v1/tokens/:id',
    role: 'operator',
    params: IdParam,
  }),
  mfaStatus: defineRoute({
    ...mfaSetup,
    id: 'mfa.status',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'GET',
    path: '/api/v1/auth/mfa',
  }),
  mfaEnroll: defineRoute({
    ...mfaSetup,
    id: 'mfa.enroll',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'POST',
    path: '/api/v1/auth/mfa/enroll',
    body: EmptyBody,
  }),
  mfaConfirm: defineRoute({
    ...mfaSetup,
    id: 'mfa.confirm',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'POST',
    path: '/api/v1/auth/mfa/confirm',
    body: MfaCodeBody,
  }),
  mfaVerify: defineRoute({
    ...mfa,
    id: 'mfa.verify',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'POST',
    path: '/api/v1/auth/mfa/verify',
    role: 'viewer',
    body: MfaCodeBody,
  }),
  mfaRecoveryCodes: defineRoute({
    ...mfa,
    id: 'mfa.recoveryCodes',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'POST',
    path: '/api/v1/auth/mfa/recovery-codes',
    role: 'viewer',
    body: EmptyBody,
  }),
  mfaDisable: defineRoute({
    ...mfa,
    id: 'mfa.disable',
    scope: 'none',
    alsoFor: ['technician', 'auditor'],
    method: 'DELETE',
    path: '/api/v1/auth/mfa',
    role: 'viewer',
  }),
  mfaReset: defineRoute({
    ...mfa,
    id: 'mfa.reset',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/users/:id/mfa',
    role: 'admin',
    params: IdParam,
  }),
  mfaPolicy: defineRoute({
    ...mfa,
    id: 'mfa.policy',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/mfa-policy',
    role: 'admin',
  }),
  setMfaPolicy: defineRoute({
    ...mfa,
    id: 'mfa.setPolicy',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/mfa-policy',
    role: 'admin',
    body: MfaPolicyBody,
  }),
};
