import type { ApiToken, AuditRecord, CommandRecord, Device, DeviceEventRecord, EnrollmentToken, Group, Page, Role, SavedView, SavedViewInput, User } from '@outpost/protocol';
// Transport-neutral on purpose: browsers load this file too (browser.ts); Node's transport is in http.ts.
import { call, send, ApiError, type TransportOptions } from './transport.js';
import { guardApi } from './guard.api.js';
import { configsApi } from './configs.api.js';
import { accessApi } from './access.api.js';
import { monitoringApi } from './monitoring.api.js';
import { liveApi } from './live.api.js';
import { updatesApi } from './updates.api.js';

const q = (params: Record<string, string | number | boolean | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};
const enc = encodeURIComponent;

export interface ListDevicesQuery {
  filter?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
  count?: boolean;
}

/** Typed client of the Outpost REST API, shared by the CLI, the simulator and the console. */
export function createClient(o: TransportOptions) {
  const c = <T>(method: string, path: string, body?: unknown) => call<T>(o, method, path, body);
  // Domain APIs in their own files (`*.api.ts`) join this object with one spread line each.
  return {
    options: o,
    guard: guardApi(c),
    ...configsApi(c, o),
    ...accessApi(c, o),
    ...monitoringApi(c, o),
    ...liveApi(c),
    ...updatesApi(c),
    /** Signs in with a password (and `otp`, a TOTP or recovery code, when the account has a second factor). */
    async login(username: string, password: string, otp?: string): Promise<{ session: string; user: User; expiresAt: string }> {
      const res = await send(o, 'POST', '/api/v1/auth/login', { username, password, ...(otp ? { otp } : {}) });
      const body = JSON.parse(res.body || '{}') as { user: User; expiresAt: string; code?: string; message?: string; details?: Record<string, unknown> };
      if (res.status !== 200) throw new ApiError(res.status, body.code ?? `http_${res.status}`, body.message ?? 'sign-in failed', undefined, body.details);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((h) => h.startsWith('outpost_session='));
      const session = cookie?.split(';')[0].split('=')[1] ?? '';
      return { session, user: body.user, expiresAt: body.expiresAt };
    },
    me: () => c<{ id: string; username: string; role: Role; via: string; mfa?: { enrolled: boolean; verifiedAt: string | null; mustEnroll: boolean } }>('GET', '/api/v1/auth/me'),
    logout: () => c<{ ok: boolean }>('POST', '/api/v1/auth/logout'),
    devices: {
      list: (query: ListDevicesQuery = {}) => c<Page<Device>>('GET', `/api/v1/devices${q({ ...query })}`),
      get: (id: string) => c<Device>('GET', `/api/v1/devices/${enc(id)}`),
      update: (id: string, patch: { name?: string; location?: string | null }) => c<Device>('PATCH', `/api/v1/devices/${enc(id)}`, patch),
      tag: (id: string, set: Record<string, string>, remove: string[] = []) => c<{ matched: number }>('POST', `/api/v1/devices/${enc(id)}/tags`, { set, remove }),
      tagWhere: (filter: string, set: Record<string, string>, remove: string[] = []) => c<{ matched: number }>('POST', '/api/v1/devices/tags', { filter, set, remove }),
      revoke: (id: string, reason: string) => c<Device>('POST', `/api/v1/devices/${enc(id)}/revoke`, { reason }),
      decommission: (id: string, reason: string) => c<Device>('POST', `/api/v1/devices/${enc(id)}/decommission`, { reason }),
      events: (id: string, limit = 100) => c<{ items: DeviceEventRecord[] }>('GET', `/api/v1/devices/${enc(id)}/events${q({ limit })}`),
      availability: (id: string, hours = 24) =>
        c<{ from: string; to: string; /** When the device was first known in the range (null: not at all); the share is of the time since. */ observedFrom: string | null; onlinePct: number; offlinePeriods: Array<{ from: string; to: string | null }>; changes: Array<{ state: string; at: string }> }>(
          'GET',
          `/api/v1/devices/${enc(id)}/availability${q({ hours })}`,
        ),
      health: (id: string, hours = 24) => c<{ items: Array<{ ts: string; data: Record<string, unknown> | null }> }>('GET', `/api/v1/devices/${enc(id)}/health${q({ hours })}`),
      certificates: (id: string) =>
        c<{ items: Array<{ serial: string; deviceId: string; fingerprint: string; issuedAt: string; notAfter: string; revokedAt: string | null }> }>(
          'GET',
          `/api/v1/devices/${enc(id)}/certificates`,
        ),
      commands: (id: string) => c<{ items: CommandRecord[] }>('GET', `/api/v1/devices/${enc(id)}/commands`),
      command: (id: string, name: string, opts: { args?: Record<string, unknown>; timeoutS?: number; wait?: boolean } = {}) =>
        c<CommandRecord>('POST', `/api/v1/devices/${enc(id)}/commands`, { name, ...opts }),
    },
    commands: {
      sendWhere: (filter: string, name: string, opts: { args?: Record<string, unknown>; timeoutS?: number } = {}) =>
        c<{ batchId: string; devices: number }>('POST', '/api/v1/commands', { filter, name, ...opts }),
      get: (id: string, waitMs?: number) => c<CommandRecord>('GET', `/api/v1/commands/${enc(id)}${q({ waitMs })}`),
      batch: (id: string) => c<{ batchId: string; counts: Record<string, number>; items: CommandRecord[] }>('GET', `/api/v1/command-batches/${enc(id)}`),
    },
    groups: {
      list: () => c<{ items: Array<Group & { directMembers: number | null }> }>('GET', '/api/v1/groups'),
      get: (path: string) => c<Group & { deviceCount: number }>('GET', `/api/v1/groups/${enc(path)}`),
      create: (g: { path: string; kind: 'static' | 'dynamic'; filter?: string; description?: string }) => c<Group>('POST', '/api/v1/groups', g),
      update: (path: string, patch: { filter?: string; description?: string }) => c<Group>('PATCH', `/api/v1/groups/${enc(path)}`, patch),
      remove: (path: string) => c<void>('DELETE', `/api/v1/groups/${enc(path)}`),
      addMembers: (path: string, sel: { deviceIds?: string[]; filter?: string }) => c<{ matched: number; changed: number }>('POST', `/api/v1/groups/${enc(path)}/members/add`, sel),
      removeMembers: (path: string, sel: { deviceIds?: string[]; filter?: string }) =>
        c<{ matched: number; changed: number }>('POST', `/api/v1/groups/${enc(path)}/members/remove`, sel),
    },
    /** Saved device views: the caller's own and every shared one. */
    views: {
      list: () => c<{ items: SavedView[] }>('GET', '/api/v1/views'),
      get: (id: string) => c<SavedView>('GET', `/api/v1/views/${enc(id)}`),
      create: (v: SavedViewInput) => c<SavedView>('POST', '/api/v1/views', v),
      update: (id: string, patch: Partial<SavedViewInput>) => c<SavedView>('PATCH', `/api/v1/views/${enc(id)}`, patch),
      remove: (id: string) => c<void>('DELETE', `/api/v1/views/${enc(id)}`),
    },
    enrollment: {
      createToken: (t: { label: string; maxUses?: number; expiresInHours?: number; group?: string; tags?: Record<string, string> }) =>
        c<{ token: string; caFingerprint: string; record: EnrollmentToken }>('POST', '/api/v1/enrollment-tokens', t),
      list: () => c<{ items: EnrollmentToken[] }>('GET', '/api/v1/enrollment-tokens'),
      revoke: (id: string) => c<void>('DELETE', `/api/v1/enrollment-tokens/${enc(id)}`),
    },
    users: {
      list: () => c<{ items: User[] }>('GET', '/api/v1/users'),
      create: (u: { username: string; password: string; role: Role }) => c<User>('POST', '/api/v1/users', u),
      update: (id: string, patch: { role?: Role; disabled?: boolean; password?: string; groups?: string[] }) => c<User>('PATCH', `/api/v1/users/${enc(id)}`, patch),
    },
    tokens: {
      list: () => c<{ items: ApiToken[] }>('GET', '/api/v1/tokens'),
      create: (t: { name: string; role: Role; expiresInDays?: number }) => c<{ token: string; record: ApiToken }>('POST', '/api/v1/tokens', t),
      revoke: (id: string) => c<void>('DELETE', `/api/v1/tokens/${enc(id)}`),
    },
    audit: {
      list: (query: { action?: string; actor?: string; target?: string; limit?: number; before?: number } = {}) =>
        c<{ items: AuditRecord[]; nextCursor: string | null }>('GET', `/api/v1/audit${q(query)}`),
      verify: () => c<{ ok: boolean; records: number; firstBrokenSeq?: number; reason?: string }>('GET', '/api/v1/audit/verify'),
    },
  };
}

export type OutpostClient = ReturnType<typeof createClient>;
