import { roleAllows as protocolRoleAllows, type Role } from '@outpost/protocol';
import type { Actor } from '../audit/index.js';

/** Someone authenticated: a signed-in user or an API token acting for its owner. */
export interface Principal {
  kind: 'user' | 'token';
  /** The user id, or the token id for a token. */
  id: string;
  userId: string;
  username: string;
  role: Role;
  sourceIp: string | null;
  /** When this session (or this request) last proved a second factor; see step-up.ts. */
  mfaAt?: string | null;
  mfaEnrolled?: boolean;
  /** Signed in, but the role requires MFA and none is enrolled: only MFA set-up routes are open. */
  mfaPending?: boolean;
  /** SHA-256 of the session cookie, so a step-up can be remembered for the session. */
  sessionHash?: string;
}

/** True when `role` may do all that `needed` may (admin > operator > viewer; duty roles cover themselves). */
export function roleAllows(role: Role, needed: Role): boolean {
  return protocolRoleAllows(role, needed);
}

export function actorOf(p: Principal): Actor {
  return { type: p.kind, id: p.kind === 'token' ? `${p.username}/token:${p.id}` : p.username, sourceIp: p.sourceIp };
}
