export type ActorType = 'user' | 'token' | 'device' | 'system' | 'anonymous';
export type Outcome = 'ok' | 'denied' | 'failed';

/** Who did something, and from where. Passed from the transport into services. */
export interface Actor {
  type: ActorType;
  id: string;
  sourceIp?: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'hub' };

export interface AuditEntry {
  actor: Actor;
  action: string;
  target?: string | null;
  outcome?: Outcome;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  target?: string;
  afterSeq?: number;
  limit: number;
  /**
   * A group-scoped reader: only records about these devices (`device:<id>` targets) and the
   * reader's own actions (as `username` or through one of its tokens).
   */
  within?: { deviceIds: readonly string[]; username: string };
}

export type VerifyResult =
  | { ok: true; records: number; lastHash: string }
  | { ok: false; records: number; firstBrokenSeq: number; reason: string };
