import type { AccessOpenResult, AccessPolicy, AccessSession, AccessState, MfaEnrollment, MfaStatus, Role } from '@outpost/protocol';
import { ApiError, send, type TransportOptions } from './transport.js';

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const enc = encodeURIComponent;
const q = (params: Record<string, string | number | boolean | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

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

/** Remote access (policies, sessions, recordings) and the caller's own second factor. */
export function accessApi(c: Call, o: TransportOptions) {
  return {
    access: {
      policies: () => c<{ items: AccessPolicy[] }>('GET', '/api/v1/access/policies'),
      createPolicy: (p: AccessPolicyInput) => c<AccessPolicy>('POST', '/api/v1/access/policies', p),
      updatePolicy: (id: string, patch: Partial<Omit<AccessPolicyInput, 'name' | 'deviceId' | 'group'>>) => c<AccessPolicy>('PATCH', `/api/v1/access/policies/${enc(id)}`, patch),
      deletePolicy: (id: string) => c<void>('DELETE', `/api/v1/access/policies/${enc(id)}`),
      request: (r: AccessRequestInput) => c<AccessOpenResult>('POST', '/api/v1/access/sessions', r),
      sessions: (query: { deviceId?: string; state?: AccessState[]; live?: boolean; mine?: boolean; limit?: number } = {}) =>
        c<{ items: AccessSession[] }>('GET', `/api/v1/access/sessions${q({ ...query, state: query.state?.join(',') })}`),
      session: (id: string) => c<AccessSession>('GET', `/api/v1/access/sessions/${enc(id)}`),
      approve: (id: string, opts: { note?: string; otp?: string } = {}) => c<AccessSession>('POST', `/api/v1/access/sessions/${enc(id)}/approve`, opts),
      deny: (id: string, note?: string) => c<AccessSession>('POST', `/api/v1/access/sessions/${enc(id)}/deny`, note ? { note } : {}),
      open: (id: string, otp?: string) => c<AccessOpenResult>('POST', `/api/v1/access/sessions/${enc(id)}/open`, otp ? { otp } : {}),
      cancel: (id: string) => c<AccessSession>('POST', `/api/v1/access/sessions/${enc(id)}/cancel`),
      /** The kill switch (admin). */
      terminate: (id: string, reason: string) => c<AccessSession>('POST', `/api/v1/access/sessions/${enc(id)}/terminate`, { reason }),
      /** A console or serial transcript (asciicast v2 text) and the SHA-256 the hub sealed for it. */
      async recording(id: string): Promise<{ text: string; sha256: string }> {
        const res = await send(o, 'GET', `/api/v1/access/sessions/${enc(id)}/recording`);
        if (res.status !== 200) {
          const e = JSON.parse(res.body || '{}') as { code?: string; message?: string };
          throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`);
        }
        return { text: res.body, sha256: String(res.headers['x-outpost-sha256'] ?? '') };
      },
      settings: () => c<{ recordingRetentionDays: number }>('GET', '/api/v1/access/settings'),
      putSettings: (s: { recordingRetentionDays: number }) => c<{ recordingRetentionDays: number }>('PUT', '/api/v1/access/settings', s),
    },
    mfa: {
      status: () => c<MfaStatus>('GET', '/api/v1/auth/mfa'),
      enroll: () => c<MfaEnrollment>('POST', '/api/v1/auth/mfa/enroll', {}),
      confirm: (code: string) => c<{ recoveryCodes: string[]; verifiedAt: string }>('POST', '/api/v1/auth/mfa/confirm', { code }),
      /** Step-up: proves the second factor now; the signed-in session remembers it. */
      verify: (code: string) => c<{ verifiedAt: string }>('POST', '/api/v1/auth/mfa/verify', { code }),
      regenerateRecoveryCodes: () => c<{ recoveryCodes: string[] }>('POST', '/api/v1/auth/mfa/recovery-codes', {}),
      disable: () => c<void>('DELETE', '/api/v1/auth/mfa'),
      reset: (userId: string) => c<void>('DELETE', `/api/v1/users/${enc(userId)}/mfa`),
      policy: () => c<Record<Role, boolean>>('GET', '/api/v1/mfa-policy'),
      setPolicy: (p: Partial<Record<Role, boolean>>) => c<Record<Role, boolean>>('PUT', '/api/v1/mfa-policy', p),
    },
  };
}
