import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { IdParam } from './common.schemas.js';
import { MAX_BROKER_MOVE_DEADLINE_S } from '../broker-messages.js';

export const MoveBrokerBody = Type.Object(
  {
    /** A broker of the hub: its name (`broker-2`, or `?name=` in OUTPOST_BROKERS) or its device-facing URL. */
    broker: Type.String({ minLength: 1, maxLength: 300 }),
    /** Seconds the device has to reach the new broker before it falls back (default 60). */
    deadlineS: Type.Optional(Type.Integer({ minimum: 5, maximum: MAX_BROKER_MOVE_DEADLINE_S })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    otp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  { additionalProperties: false },
);

const tag = 'devices';

/** Which of the hub's brokers a device is on, and moving it to another by a signed instruction. */
export const BROKERS_ROUTES = {
  deviceBroker: defineRoute({
    tag,
    id: 'brokers.deviceBroker',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/broker',
    role: 'viewer',
    summary: 'The broker a device is on, the one the hub sends it to, and its last broker move',
    params: IdParam,
  }),
  move: defineRoute({
    tag,
    id: 'brokers.move',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/devices/:id/broker',
    role: 'admin',
    summary: "Moves a device to another of the hub's brokers; it falls back to the old one if it cannot connect",
    params: IdParam,
    body: MoveBrokerBody,
  }),
} as const;
