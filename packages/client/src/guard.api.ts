import type {
  DeviceEventRecord, DeviceGuardStatus, GuardGrantRecord, GuardGrantRequest, GuardPolicyInput, GuardPolicyRecord,
} from '@outpost/protocol';

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const enc = encodeURIComponent;
const q = (params: Record<string, string | number | boolean | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

export interface GuardKeyInfo {
  publicKeyPem: string;
  fingerprint: string;
  /** Past rotations, oldest first: each key's fingerprint and the one it replaced. */
  rotations: Array<{ fingerprint: string; previous: string; at: string; by: string; reason: string }>;
}

export interface GuardEventsQuery {
  deviceId?: string;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
}

/** OT guard: policies per device or group, signed write grants, guard events. */
export function guardApi(c: Call) {
  return {
    key: () => c<GuardKeyInfo>('GET', '/api/v1/guard/key'),
    /** Replaces the grant-signing key (admins); devices follow it along the endorsement chain. */
    rotateKey: (reason: string, otp?: string) => c<GuardKeyInfo & { regranted: number; devices: number }>('POST', '/api/v1/guard/key/rotate', { reason, ...(otp ? { otp } : {}) }),
    /** The device and group policies in force (latest revision of each; removed ones left out). */
    policies: (query: { scope?: 'device' | 'group'; limit?: number } = {}) => c<{ items: GuardPolicyRecord[] }>('GET', `/api/v1/guard/policies${q({ ...query })}`),
    status: (deviceId: string) => c<DeviceGuardStatus>('GET', `/api/v1/guard/devices/${enc(deviceId)}`),
    setDevicePolicy: (deviceId: string, policy: GuardPolicyInput) =>
      c<GuardPolicyRecord & { devices: number }>('PUT', `/api/v1/guard/devices/${enc(deviceId)}/policy`, policy),
    clearDevicePolicy: (deviceId: string) => c<GuardPolicyRecord & { devices: number }>('DELETE', `/api/v1/guard/devices/${enc(deviceId)}/policy`),
    devicePolicyHistory: (deviceId: string, limit?: number) =>
      c<{ items: GuardPolicyRecord[] }>('GET', `/api/v1/guard/devices/${enc(deviceId)}/policy/history${q({ limit })}`),
    groupPolicy: (path: string, limit?: number) => c<{ items: GuardPolicyRecord[] }>('GET', `/api/v1/guard/groups/${enc(path)}/policy${q({ limit })}`),
    setGroupPolicy: (path: string, policy: GuardPolicyInput) => c<GuardPolicyRecord & { devices: number }>('PUT', `/api/v1/guard/groups/${enc(path)}/policy`, policy),
    clearGroupPolicy: (path: string) => c<GuardPolicyRecord & { devices: number }>('DELETE', `/api/v1/guard/groups/${enc(path)}/policy`),
    grant: (deviceId: string, g: GuardGrantRequest & { otp?: string }) => c<GuardGrantRecord>('POST', `/api/v1/guard/devices/${enc(deviceId)}/grants`, g),
    grants: (query: { deviceId?: string; active?: boolean; limit?: number } = {}) => c<{ items: GuardGrantRecord[] }>('GET', `/api/v1/guard/grants${q(query)}`),
    revokeGrant: (id: string, reason: string) => c<GuardGrantRecord>('POST', `/api/v1/guard/grants/${enc(id)}/revoke`, { reason }),
    events: (query: GuardEventsQuery = {}) => c<{ items: DeviceEventRecord[] }>('GET', `/api/v1/guard/events${q({ ...query })}`),
  };
}
