import type { Role } from './api-types.js';

/** Session states (DESIGN.md "Access session"): requested → (approved) → active → an end state. */
export const ACCESS_STATES = [
  'requested',
  'approved',
  'active',
  'closed',
  'expired',
  'terminated',
  'denied',
  'failed',
] as const;
export type AccessState = (typeof ACCESS_STATES)[number];
export const ACCESS_END_STATES: readonly AccessState[] = ['closed', 'expired', 'terminated', 'denied', 'failed'];

/** Who may reach what on which devices, and on which conditions. */
export interface AccessPolicy {
  id: string;
  name: string;
  /** Exactly one of the two: a device id, or a group path (the group and its subgroups). */
  deviceId: string | null;
  group: string | null;
  /** Allowed targets, e.g. `tcp:502`, `serial:ttyS1`, `console`, `tcp:plc-1.local:502`. */
  targets: string[];
  /** Roles that may request sessions under this policy. */
  roles: Role[];
  maxDurationS: number;
  requireReason: boolean;
  requireApproval: boolean;
  /** Demand an MFA proof no older than this many seconds; null for none. */
  mfaMaxAgeS: number | null;
  maxConcurrent: number;
  /** Keep a packet capture (pcap) of TCP sessions. */
  captureTcp: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface AccessSession {
  id: string;
  deviceId: string;
  target: string;
  policyId: string;
  state: AccessState;
  reason: string | null;
  requestedBy: string;
  requestedAt: string;
  durationS: number;
  approvedBy: string | null;
  approvedAt: string | null;
  openedAt: string | null;
  /** When both legs joined. */
  startedAt: string | null;
  endedAt: string | null;
  expiresAt: string | null;
  closeReason: string | null;
  bytesToDevice: number;
  bytesFromDevice: number;
  streams: number;
  recording: { kind: 'asciicast' | 'pcap'; sha256: string | null; bytes: number; deletedAt: string | null } | null;
}

/** Answer to opening a session: the operator's single-use relay token is shown this once. */
export interface AccessOpenResult {
  session: AccessSession;
  operatorToken: string | null;
  /** The operator leg's path on the hub that answered (one hub, or the replica the session names). */
  relayPath: string;
  /**
   * Where the operator leg dials once the session is open (ws(s)://…/path): the replica both legs
   * meet on when several hub replicas share one database. Absent while the session waits for approval.
   */
  relayUrl?: string;
}

export interface MfaStatus {
  enrolled: boolean;
  enrolledAt: string | null;
  pending: boolean;
  recoveryCodesLeft: number;
  requiredForRole: boolean;
  /** Last MFA proof of the calling session, if any. */
  verifiedAt: string | null;
}

export interface MfaEnrollment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}
