import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { IdParam, literals } from './common.schemas.js';

const Digest = Type.Object(
  { waitS: Type.Optional(Type.Number()), intervalS: Type.Optional(Type.Number()) },
  { additionalProperties: false },
);
const Retry = Type.Object(
  {
    baseMs: Type.Optional(Type.Number()),
    capMs: Type.Optional(Type.Number()),
    maxAttempts: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
const channelFields = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  config: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 16 }),
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  digest: Type.Optional(Digest),
  retry: Type.Optional(Retry),
  enabled: Type.Optional(Type.Boolean()),
};
export const NewChannelBody = Type.Object(
  { ...channelFields, kind: literals(['webhook', 'email', 'mqtt']) },
  { additionalProperties: false },
);
export const PatchChannelBody = Type.Object(
  {
    ...channelFields,
    name: Type.Optional(channelFields.name),
    config: Type.Optional(channelFields.config),
    rotateSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const NotificationsQuery = Type.Object({
  channel: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(literals(['pending', 'delivered', 'dead'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export const NewMqttIntegrationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    csrPem: Type.String({ minLength: 1, maxLength: 16_384 }),
    validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

const tag = 'notifications';
const read = { tag, role: 'viewer' } as const;
// Channels and integrations send fleet data off the hub: only admins point them somewhere.
const admin = { tag, role: 'admin' } as const;
const byId = { params: IdParam } as const;

/** Notification channels, the messages sent through them, and MQTT integrations. */
export const NOTIFICATIONS_ROUTES = {
  channels: defineRoute({
    ...read,
    id: 'notifications.channels',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/notification-channels',
  }),
  createChannel: defineRoute({
    ...admin,
    id: 'notifications.createChannel',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/notification-channels',
    body: NewChannelBody,
  }),
  channel: defineRoute({
    ...read,
    ...byId,
    id: 'notifications.channel',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/notification-channels/:id',
  }),
  updateChannel: defineRoute({
    ...admin,
    ...byId,
    id: 'notifications.updateChannel',
    scope: 'global',
    method: 'PATCH',
    path: '/api/v1/notification-channels/:id',
    body: PatchChannelBody,
  }),
  deleteChannel: defineRoute({
    ...admin,
    ...byId,
    id: 'notifications.deleteChannel',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/notification-channels/:id',
  }),
  testChannel: defineRoute({
    tag,
    ...byId,
    id: 'notifications.testChannel',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/notification-channels/:id/test',
    role: 'operator',
  }),
  // A message keeps the devices it is about (an alert digest's, a device report's): a group-scoped
  // caller sees, reads and retries only messages about its devices, none about a device outside
  // and none about no device (a test, a fleet report); a message it may not see is `404`.
  messages: defineRoute({
    ...read,
    id: 'notifications.messages',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/notifications',
    query: NotificationsQuery,
  }),
  deadLetters: defineRoute({
    ...read,
    id: 'notifications.deadLetters',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/notifications/dead-letters',
  }),
  message: defineRoute({
    ...read,
    ...byId,
    id: 'notifications.message',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/notifications/:id',
  }),
  retry: defineRoute({
    tag,
    ...byId,
    id: 'notifications.retry',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/notifications/:id/retry',
    role: 'operator',
  }),
  mqttIntegrations: defineRoute({
    ...admin,
    id: 'mqttIntegrations.list',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/mqtt-integrations',
  }),
  createMqttIntegration: defineRoute({
    ...admin,
    id: 'mqttIntegrations.create',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/mqtt-integrations',
    body: NewMqttIntegrationBody,
  }),
  revokeMqttIntegration: defineRoute({
    ...admin,
    ...byId,
    id: 'mqttIntegrations.revoke',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/mqtt-integrations/:id',
  }),
};
