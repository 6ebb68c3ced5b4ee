import type {
  AccessOpenResult,
  AccessPolicy,
  AccessSession,
  AccessState,
  MfaEnrollment,
  MfaStatus,
  Role,
} from '@outpost/protocol';
import { ACCESS_ROUTES as ACCESS, USERS_ROUTES as USERS, routeUrl } from '@outpost/protocol';
import { ApiError, send, type TransportOptions } from './transport.js';
import { routeCaller } from './call-route.js';

export interface AccessPolicyInput {
  name: string;
  deviceId?: string;
  group?: string;
  targets: string[];
  roles?: Array<'operator' | 'admin'>;
  maxDurationS?: number;
  requireReason?: boolean;
  requireApproval?: boolean;
  /** Seconds a second-factor proof stays fresh for this policy; null for none (default 300). */
  mfaMaxAgeS?: number | null;
  maxConcurrent?: number;
  captureTcp?: boolean;
}

export interface AccessRequestInput {
  deviceId: string;
  target: string;
  reason?: string;
  durationS: number;
  /** A TOTP code, when the policy asks for a fresh second factor. */
  otp?: string;
}

export interface AccessSessionsFilter {
  deviceId?: string;
  state?: AccessState[];
  live?: boolean;
  mine?: boolean;
  limit?: number;
}

/** Remote access (policies, sessions, recordings) and the caller's own second factor. */
export function accessApi(o: TransportOptions) {
  const r = routeCaller(o);
  return {
    access: {
      policies: () => r<{ items: AccessPolicy[] }>(ACCESS.policies),
      createPolicy: (p: AccessPolicyInput) => r<AccessPolicy>(ACCESS.createPolicy, { body: p }),
      updatePolicy: (id: string, patch: Partial<Omit<AccessPolicyInput, 'name' | 'deviceId' | 'group'>>) =>
        r<AccessPolicy>(ACCESS.updatePolicy, { params: { id }, body: patch }),
      deletePolicy: (id: string) => r<void>(ACCESS.deletePolicy, { params: { id } }),
      request: (input: AccessRequestInput) => r<AccessOpenResult>(ACCESS.request, { body: input }),
      sessions: (query: AccessSessionsFilter = {}) =>
        r<{ items: AccessSession[] }>(ACCESS.sessions, { query: { ...query, state: query.state?.join(',') } }),
      session: (id: string) => r<AccessSession>(ACCESS.session, { params: { id } }),
      approve: (id: string, opts: { note?: string; otp?: string } = {}) =>
        r<AccessSession>(ACCESS.approve, { params: { id }, body: opts }),
      deny: (id: string, note?: string) =>
        r<AccessSession>(ACCESS.deny, { params: { id }, body: note ? { note } : {} }),
      open: (id: string, otp?: string) =>
        r<AccessOpenResult>(ACCESS.open, { params: { id }, body: otp ? { otp } : {} }),
      cancel: (id: string) => r<AccessSession>(ACCESS.cancel, { params: { id } }),
      /** The kill switch (admin). */
      terminate: (id: string, reason: string) =>
        r<AccessSession>(ACCESS.terminate, { params: { id }, body: { reason } }),
      /** A console or serial transcript (asciicast v2 text) and the SHA-256 the hub sealed for it. */
      async recording(id: string): Promise<{ text: string; sha256: string }> {
        const res = await send(o, ACCESS.recording.method, routeUrl(ACCESS.recording, { id }));
        if (res.status !== 200) {
          const e = JSON.parse(res.body || '{}') as { code?: string; message?: string };
          throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`);
        }
        return { text: res.body, sha256: String(res.headers['x-outpost-sha256'] ?? '') };
      },
      settings: () => r<{ recordingRetentionDays: number }>(ACCESS.settings),
      putSettings: (s: { recordingRetentionDays: number }) =>
        r<{ recordingRetentionDays: number }>(ACCESS.putSettings, { body: s }),
    },
    mfa: {
      status: () => r<MfaStatus>(USERS.mfaStatus),
      enroll: () => r<MfaEnrollment>(USERS.mfaEnroll, { body: {} }),
      confirm: (code: string) =>
        r<{ recoveryCodes: string[]; verifiedAt: string }>(USERS.mfaConfirm, { body: { code } }),
      /** Step-up: proves the second factor now; the signed-in session remembers it. */
      verify: (code: string) => r<{ verifiedAt: string }>(USERS.mfaVerify, { body: { code } }),
      regenerateRecoveryCodes: () => r<{ recoveryCodes: string[] }>(USERS.mfaRecoveryCodes, { body: {} }),
      disable: () => r<void>(USERS.mfaDisable),
      reset: (userId: string) => r<void>(USERS.mfaReset, { params: { id: userId } }),
      policy: () => r<Record<Role, boolean>>(USERS.mfaPolicy),
      setPolicy: (p: Partial<Record<Role, boolean>>) => r<Record<Role, boolean>>(USERS.setMfaPolicy, { body: p }),
    },
  };
}
