import type {
  DeviceEventRecord,
  DeviceGuardStatus,
  FieldDeviceRecord,
  GuardGrantRecord,
  GuardBlockedPerHour,
  GuardGrantRequest,
  GuardKeyInfo,
  GuardKeyRotation,
  GuardPolicyInput,
  GuardPolicyRecord,
  GuardPolicySet,
} from '@outpost/protocol';
import { GUARD_ROUTES as GUARD } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

export type { GuardKeyInfo } from '@outpost/protocol';

export interface GuardEventsQuery {
  deviceId?: string;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
}

export interface FieldDevicesFilter {
  vendor?: string;
  product?: string;
  firmwareBelow?: string;
  /** How the identity was learnt: read from a master's exchange, or asked by the guard. */
  source?: 'passive' | 'active';
  /** Substring of where the device sits, e.g. "rtu:". */
  interface?: string;
  limit?: number;
}

/** OT guard: policies per device or group, signed write grants, guard events. */
export function guardApi(r: RouteCaller) {
  return {
    key: () => r<GuardKeyInfo>(GUARD.key),
    /** Replaces the grant-signing key (admins); devices follow it along the endorsement chain. */
    rotateKey: (reason: string, otp?: string) =>
      r<GuardKeyRotation>(GUARD.rotateKey, {
        body: { reason, ...(otp ? { otp } : {}) },
      }),
    /** The device and group policies in force (latest revision of each; removed ones left out). */
    policies: (query: { scope?: 'device' | 'group'; limit?: number } = {}) =>
      r<{ items: GuardPolicyRecord[] }>(GUARD.policies, { query: { ...query } }),
    status: (deviceId: string) => r<DeviceGuardStatus>(GUARD.status, { params: { id: deviceId } }),
    /** `guard.blocked` events per hour over the last `hours` (24 or 168); hours without any are left out. */
    blockedPerHour: (deviceId: string, hours = 24) =>
      r<GuardBlockedPerHour>(GUARD.blockedPerHour, {
        params: { id: deviceId },
        query: { hours },
      }),
    /** The field devices (PLCs, RTUs) behind one gateway, as its guards saw them identify themselves. */
    deviceFieldDevices: (deviceId: string) =>
      r<{ items: FieldDeviceRecord[] }>(GUARD.deviceFieldDevices, { params: { id: deviceId } }),
    /** Field devices across the caller's fleet; vendor/product match as substrings, firmwareBelow by version order. */
    fieldDevices: (query: FieldDevicesFilter = {}) =>
      r<{ items: FieldDeviceRecord[] }>(GUARD.fieldDevices, { query: { ...query } }),
    setDevicePolicy: (deviceId: string, policy: GuardPolicyInput) =>
      r<GuardPolicySet>(GUARD.setDevicePolicy, { params: { id: deviceId }, body: policy }),
    clearDevicePolicy: (deviceId: string) => r<GuardPolicySet>(GUARD.clearDevicePolicy, { params: { id: deviceId } }),
    devicePolicyHistory: (deviceId: string, limit?: number) =>
      r<{ items: GuardPolicyRecord[] }>(GUARD.devicePolicyHistory, { params: { id: deviceId }, query: { limit } }),
    groupPolicy: (path: string, limit?: number) =>
      r<{ items: GuardPolicyRecord[] }>(GUARD.groupPolicy, { params: { path }, query: { limit } }),
    setGroupPolicy: (path: string, policy: GuardPolicyInput) =>
      r<GuardPolicySet>(GUARD.setGroupPolicy, { params: { path }, body: policy }),
    clearGroupPolicy: (path: string) => r<GuardPolicySet>(GUARD.clearGroupPolicy, { params: { path } }),
    grant: (deviceId: string, g: GuardGrantRequest & { otp?: string }) =>
      r<GuardGrantRecord>(GUARD.grant, { params: { id: deviceId }, body: g }),
    grants: (query: { deviceId?: string; active?: boolean; limit?: number } = {}) =>
      r<{ items: GuardGrantRecord[] }>(GUARD.grants, { query }),
    revokeGrant: (id: string, reason: string) =>
      r<GuardGrantRecord>(GUARD.revokeGrant, { params: { id }, body: { reason } }),
    events: (query: GuardEventsQuery = {}) => r<{ items: DeviceEventRecord[] }>(GUARD.events, { query: { ...query } }),
  };
}
