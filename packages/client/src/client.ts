import {
  AUDIT_ROUTES as AUDIT,
  COMMANDS_ROUTES as COMMANDS,
  ENROLLMENT_ROUTES as ENROLLMENT,
  DEVICES_ROUTES as DEVICES,
  GROUPS_ROUTES as GROUPS,
  USERS_ROUTES as USERS,
  routeUrl,
  VIEWS_ROUTES as VIEWS,
} from '@outpost/protocol';
import type {
  DeviceAvailability,
  DeviceCertificate,
  DeviceCertificateStatus,
  DeviceHealthSample,
  ApiToken,
  NewApiToken,
  NewEnrollmentToken,
  AuditCheckpoint,
  AuditRecord,
  AuditVerifyResult,
  CommandBatch,
  CommandRecord,
  SupportedCommand,
  DeviceTimeline,
  Device,
  DeviceEventRecord,
  EnrollmentToken,
  Group,
  GroupListItem,
  GroupRenameResult,
  GroupRollup,
  GroupWithCount,
  Page,
  Role,
  SavedView,
  SavedViewInput,
  User,
} from '@outpost/protocol';
export type { DeviceAvailability, DeviceCertificate } from '@outpost/protocol';
// Transport-neutral on purpose: browsers load this file too (browser.ts); Node's transport is in http.ts.
import { send, ApiError, type TransportOptions } from './transport.js';
import { guardApi } from './guard.api.js';
import { pkiApi } from './pki.api.js';
import { brokersApi } from './brokers.api.js';
import { diagnosticsApi } from './diagnostics.api.js';
import { configsApi } from './configs.api.js';
import { accessApi } from './access.api.js';
import { monitoringApi } from './monitoring.api.js';
import { cellularApi } from './cellular.api.js';
import { dataApi } from './data.api.js';
import { geofencesApi } from './geofences.api.js';
import { siemApi } from './siem.api.js';
import { automationsApi } from './automations.api.js';
import { liveApi } from './live.api.js';
import { updatesApi } from './updates.api.js';
import { ssoApi } from './sso.api.js';
import { filesApi } from './files.api.js';
import { mapApi } from './map.api.js';
import { routeCaller } from './call-route.js';

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
  const r = routeCaller(o);
  // Domain APIs in their own files (`*.api.ts`) join this object with one spread line each.
  return {
    options: o,
    guard: guardApi(r),
    siem: siemApi(r),
    pki: pkiApi(r),
    brokers: brokersApi(r),
    diagnostics: diagnosticsApi(r),
    cellular: cellularApi(r, o),
    ...configsApi(r, o),
    ...accessApi(o),
    ...monitoringApi(r, o),
    ...dataApi(r, o),
    ...geofencesApi(r),
    ...liveApi(r),
    ...updatesApi(r),
    ...ssoApi(r),
    ...filesApi(r),
    ...mapApi(r),
    ...automationsApi(r),
    /** Signs in with a password (and `otp`, a TOTP or recovery code, when the account has a second factor). */
    async login(
      username: string,
      password: string,
      otp?: string,
    ): Promise<{ session: string; user: User; expiresAt: string }> {
      const credentials = { username, password, ...(otp ? { otp } : {}) };
      const res = await send(o, USERS.login.method, routeUrl(USERS.login), credentials);
      const body = JSON.parse(res.body || '{}') as {
        user: User;
        expiresAt: string;
        code?: string;
        message?: string;
        details?: Record<string, unknown>;
      };
      if (res.status !== 200)
        throw new ApiError(
          res.status,
          body.code ?? `http_${res.status}`,
          body.message ?? 'sign-in failed',
          undefined,
          body.details,
        );
      const cookie = ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((h) => h.startsWith('outpost_session='));
      const session = cookie?.split(';')[0].split('=')[1] ?? '';
      return { session, user: body.user, expiresAt: body.expiresAt };
    },
    me: () =>
      r<{
        id: string;
        username: string;
        role: Role;
        via: string;
        mfa?: { enrolled: boolean; verifiedAt: string | null; mustEnroll: boolean };
      }>(USERS.me),
    /** Ends the session; `endSessionUrl` is where a browser goes to end the identity provider's session too. */
    logout: () => r<{ ok: boolean; endSessionUrl?: string }>(USERS.logout),
    changePassword: (currentPassword: string, newPassword: string) =>
      r<{ ok: boolean }>(USERS.changePassword, { body: { currentPassword, newPassword } }),
    devices: {
      list: (query: ListDevicesQuery = {}) => r<Page<Device>>(DEVICES.list, { query: { ...query } }),
      get: (id: string) => r<Device>(DEVICES.get, { params: { id } }),
      update: (id: string, patch: { name?: string; location?: string | null }) =>
        r<Device>(DEVICES.update, { params: { id }, body: patch }),
      tag: (id: string, set: Record<string, string>, remove: string[] = []) =>
        r<{ matched: number }>(DEVICES.tag, { params: { id }, body: { set, remove } }),
      tagWhere: (filter: string, set: Record<string, string>, remove: string[] = []) =>
        r<{ matched: number }>(DEVICES.tagWhere, { body: { filter, set, remove } }),
      revoke: (id: string, reason: string) => r<Device>(DEVICES.revoke, { params: { id }, body: { reason } }),
      decommission: (id: string, reason: string) =>
        r<Device>(DEVICES.decommission, { params: { id }, body: { reason } }),
      /** Newest first; `type` keeps only events of that type. */
      events: (id: string, limit = 100, opts: { type?: string } = {}) =>
        r<{ items: DeviceEventRecord[] }>(DEVICES.events, { params: { id }, query: { limit, type: opts.type } }),
      availability: (id: string, hours = 24) =>
        r<DeviceAvailability>(DEVICES.availability, { params: { id }, query: { hours } }),
      health: (id: string, hours = 24) =>
        r<{ items: DeviceHealthSample[] }>(DEVICES.health, {
          params: { id },
          query: { hours },
        }),
      certificates: (id: string) => r<{ items: DeviceCertificate[] }>(DEVICES.certificates, { params: { id } }),
      commands: (id: string) => r<{ items: CommandRecord[] }>(COMMANDS.ofDevice, { params: { id } }),
      /** Reboots, ended update jobs, offline stretches and fired alerts over the last `hours`, for the charts. */
      timeline: (id: string, hours = 24) => r<DeviceTimeline>(DEVICES.timeline, { params: { id }, query: { hours } }),
      /** The commands the device's last hello announced; `announced` is false before its first hello. */
      supportedCommands: (id: string) =>
        r<{ announced: boolean; items: SupportedCommand[] }>(DEVICES.supportedCommands, { params: { id } }),
      command: (
        id: string,
        name: string,
        opts: { args?: Record<string, unknown>; timeoutS?: number; wait?: boolean } = {},
      ) => r<CommandRecord>(COMMANDS.send, { params: { id }, body: { name, ...opts } }),
    },
    commands: {
      sendWhere: (filter: string, name: string, opts: { args?: Record<string, unknown>; timeoutS?: number } = {}) =>
        r<{ batchId: string; devices: number }>(COMMANDS.sendWhere, { body: { filter, name, ...opts } }),
      get: (id: string, waitMs?: number) => r<CommandRecord>(COMMANDS.get, { params: { id }, query: { waitMs } }),
      batch: (id: string) => r<CommandBatch>(COMMANDS.batch, { params: { id } }),
    },
    groups: {
      list: () => r<{ items: GroupListItem[] }>(GROUPS.list),
      get: (path: string) => r<GroupWithCount>(GROUPS.get, { params: { path } }),
      create: (g: { path: string; kind: 'static' | 'dynamic'; filter?: string; description?: string }) =>
        r<Group>(GROUPS.create, { body: g }),
      update: (path: string, patch: { filter?: string; description?: string }) =>
        r<Group>(GROUPS.update, { params: { path }, body: patch }),
      remove: (path: string) => r<void>(GROUPS.remove, { params: { path } }),
      /** Presence, health, compliance, open alerts and firmware per model of the group's devices. */
      rollup: (path: string) => r<GroupRollup>(GROUPS.rollup, { params: { path } }),
      /** Renames the group, its subgroups and every reference to them, all at once or not at all. */
      rename: (path: string, to: string, otp?: string) =>
        r<GroupRenameResult>(GROUPS.rename, { params: { path }, body: { to, ...(otp ? { otp } : {}) } }),
      addMembers: (path: string, sel: { deviceIds?: string[]; filter?: string }) =>
        r<{ matched: number; changed: number }>(GROUPS.addMembers, { params: { path }, body: sel }),
      removeMembers: (path: string, sel: { deviceIds?: string[]; filter?: string }) =>
        r<{ matched: number; changed: number }>(GROUPS.removeMembers, { params: { path }, body: sel }),
    },
    /** Saved device views: the caller's own and every shared one. */
    views: {
      list: () => r<{ items: SavedView[] }>(VIEWS.list),
      get: (id: string) => r<SavedView>(VIEWS.get, { params: { id } }),
      create: (v: SavedViewInput) => r<SavedView>(VIEWS.create, { body: v }),
      update: (id: string, patch: Partial<SavedViewInput>) =>
        r<SavedView>(VIEWS.update, { params: { id }, body: patch }),
      remove: (id: string) => r<void>(VIEWS.remove, { params: { id } }),
    },
    enrollment: {
      createToken: (t: {
        label: string;
        maxUses?: number;
        expiresInHours?: number;
        group?: string;
        tags?: Record<string, string>;
      }) => r<NewEnrollmentToken>(ENROLLMENT.createToken, { body: t }),
      list: () => r<{ items: EnrollmentToken[] }>(ENROLLMENT.listTokens),
      revoke: (id: string) => r<void>(ENROLLMENT.revokeToken, { params: { id } }),
      /** The certificate a device uses, its renewal state and the last refusal of its certificate. */
      certificateStatus: (id: string) =>
        r<DeviceCertificateStatus>(ENROLLMENT.deviceCertificateStatus, { params: { id } }),
    },
    users: {
      list: () => r<{ items: User[] }>(USERS.listUsers),
      create: (u: { username: string; password: string; role: Role }) => r<User>(USERS.createUser, { body: u }),
      update: (id: string, patch: { role?: Role; disabled?: boolean; password?: string; groups?: string[] }) =>
        r<User>(USERS.updateUser, { params: { id }, body: patch }),
    },
    tokens: {
      list: () => r<{ items: ApiToken[] }>(USERS.listTokens),
      create: (t: { name: string; role: Role; expiresInDays?: number }) =>
        r<NewApiToken>(USERS.createToken, { body: t }),
      revoke: (id: string) => r<void>(USERS.revokeToken, { params: { id } }),
    },
    audit: {
      list: (query: { action?: string; actor?: string; target?: string; limit?: number; before?: number } = {}) =>
        r<{ items: AuditRecord[]; nextCursor: string | null }>(AUDIT.list, { query }),
      verify: () => r<AuditVerifyResult>(AUDIT.verify),
      checkpoints: (query: { after?: number; limit?: number } = {}) =>
        r<{ publicKeyPem: string; checkpoints: AuditCheckpoint[]; nextCursor: string | null }>(AUDIT.checkpoints, {
          query,
        }),
    },
  };
}

export type OutpostClient = ReturnType<typeof createClient>;
