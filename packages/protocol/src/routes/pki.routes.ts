import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';

const CaIdParam = Type.Object({ id: Type.String({ pattern: '^ca-[0-9]{1,6}$' }) });
const Otp = Type.Optional(Type.String({ pattern: '^[0-9]{6}$' }));

export const RotateCaBody = Type.Object(
  {
    /** Subject CN of the new CA (default "Outpost Device CA N"). */
    commonName: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[ -~]+$' })),
    otp: Otp,
  },
  { additionalProperties: false },
);
export const RetireCaBody = Type.Object(
  {
    /** Retire even though live certificates depend on it: those devices must enroll again. */
    force: Type.Optional(Type.Boolean()),
    otp: Otp,
  },
  { additionalProperties: false },
);

const tag = 'pki';

/** The hub's certificate authorities: the one that signs, those still trusted while devices move off them. */
export const PKI_ROUTES = {
  listCas: defineRoute({
    tag,
    id: 'pki.listCas',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/pki/cas',
    role: 'admin',
    summary: 'The CAs, their state and how many live certificates each still has',
  }),
  certificateHealth: defineRoute({
    tag,
    id: 'pki.certificateHealth',
    // Counted over the caller's devices: a group-scoped reader's figures are its scope's.
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/pki/certificate-health',
    role: 'viewer',
    summary: 'Devices whose certificate lapses soon, whose renewal fails, and that are still on a retiring CA',
    query: Type.Object(
      { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) },
      { additionalProperties: false },
    ),
  }),
  rotateCa: defineRoute({
    tag,
    id: 'pki.rotateCa',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/pki/cas/rotate',
    role: 'admin',
    summary: 'Creates a new CA that signs from now on; the previous one is trusted until retired',
    body: RotateCaBody,
  }),
  retireCa: defineRoute({
    tag,
    id: 'pki.retireCa',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/pki/cas/:id/retire',
    role: 'admin',
    summary: 'Stops trusting a retiring CA; refused (ca_in_use) while live certificates depend on it unless forced',
    params: CaIdParam,
    body: RetireCaBody,
  }),
};
