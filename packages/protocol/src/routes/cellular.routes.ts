import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { IdParam } from './common.schemas.js';

export const CellularPlanBody = Type.Object(
  {
    /** Bytes (received and sent) the plan includes per billing cycle. */
    limitBytes: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    /** Day of the month (UTC) a cycle starts; 1–28 so every month has it. */
    cycleStartDay: Type.Integer({ minimum: 1, maximum: 28 }),
  },
  { additionalProperties: false },
);

const tag = 'cellular';

/** Each device's modem, SIM, signal, position, data use per billing cycle and cellular changes. */
export const CELLULAR_ROUTES = {
  device: defineRoute({
    tag,
    id: 'cellular.device',
    role: 'viewer',
    alsoFor: ['technician'],
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/cellular',
    params: IdParam,
  }),
  setPlan: defineRoute({
    tag,
    id: 'cellular.setPlan',
    role: 'operator',
    scope: 'device',
    method: 'PUT',
    path: '/api/v1/devices/:id/cellular/plan',
    params: IdParam,
    body: CellularPlanBody,
  }),
};
