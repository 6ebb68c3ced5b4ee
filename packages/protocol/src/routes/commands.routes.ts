import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam } from './common.schemas.js';

const commandFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  args: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 })),
  timeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
};
export const DeviceCommandBody = Type.Object(
  { ...commandFields, wait: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const FleetCommandBody = Type.Object({ ...commandFields, filter: FilterText }, { additionalProperties: false });
export const CommandWaitQuery = Type.Object({ waitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })) });

const tag = 'commands';

/** Commands to one device or to every device a filter matches, and their outcomes. */
export const COMMANDS_ROUTES = {
  send: defineRoute({
    tag,
    id: 'commands.send',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/devices/:id/commands',
    role: 'operator',
    params: IdParam,
    body: DeviceCommandBody,
  }),
  ofDevice: defineRoute({
    tag,
    id: 'commands.ofDevice',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/commands',
    role: 'viewer',
    params: IdParam,
  }),
  sendWhere: defineRoute({
    tag,
    id: 'commands.sendWhere',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/commands',
    role: 'operator',
    body: FleetCommandBody,
  }),
  get: defineRoute({
    tag,
    id: 'commands.get',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/commands/:id',
    role: 'viewer',
    params: IdParam,
    query: CommandWaitQuery,
  }),
  batch: defineRoute({
    tag,
    id: 'commands.batch',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/command-batches/:id',
    role: 'viewer',
    params: IdParam,
  }),
};
