/** Root of every device topic: `outpost/v1/d/{deviceId}/...` (DESIGN.md, device protocol). */
export const TOPIC_ROOT = 'outpost/v1/d';

/** Topic suffixes a device may publish (device → hub). */
export const DEVICE_PUBLISH_SUFFIXES = [
  'status',
  'hello',
  'health',
  'events',
  'reported',
  'cmd/res',
  'flows',
  'cellular',
  'data',
  'guard/assets',
  'update/status',
  'cert/renew',
] as const;
/** Topic suffixes only the hub may publish (hub → device); a device may only subscribe to them. */
export const HUB_PUBLISH_SUFFIXES = [
  'desired',
  'cmd/req',
  'access/req',
  'guard/policy',
  'update/job',
  'cert/issued',
  'ca/bundle',
  'broker/move',
] as const;

export type DeviceSuffix = (typeof DEVICE_PUBLISH_SUFFIXES)[number];
export type HubSuffix = (typeof HUB_PUBLISH_SUFFIXES)[number];

/** Device ids: lowercase letters, digits, `-`, `_`, `.`; 1..64 chars; no MQTT wildcards or separators. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Client ids of integration clients (alert subscribers) start with this; no device may hold one. */
export const INTEGRATION_CLIENT_PREFIX = 'integration.';

export function isValidDeviceId(id: string): boolean {
  return DEVICE_ID_PATTERN.test(id);
}

/** Builds the topic for one device and suffix. */
export function deviceTopic(deviceId: string, suffix: DeviceSuffix | HubSuffix): string {
  return `${TOPIC_ROOT}/${deviceId}/${suffix}`;
}

/** Splits a device topic into device id and suffix; null when it is not one. */
export function parseDeviceTopic(topic: string): { deviceId: string; suffix: string } | null {
  const prefix = `${TOPIC_ROOT}/`;
  if (!topic.startsWith(prefix)) return null;
  const rest = topic.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const deviceId = rest.slice(0, slash);
  const suffix = rest.slice(slash + 1);
  if (!isValidDeviceId(deviceId) || suffix.length === 0) return null;
  return { deviceId, suffix };
}

/** Largest accepted payload per device topic suffix, in bytes. */
export const MAX_PAYLOAD_BYTES: Record<DeviceSuffix, number> = {
  status: 256,
  hello: 8 * 1024,
  health: 16 * 1024,
  events: 256 * 1024,
  reported: 512 * 1024,
  // Diagnostic output (stdout and stderr, each capped by the agent) rides on command results.
  'cmd/res': 1024 * 1024,
  flows: 64 * 1024,
  cellular: 16 * 1024,
  data: 256 * 1024,
  'guard/assets': 128 * 1024,
  'update/status': 4 * 1024,
  'cert/renew': 10 * 1024,
};
