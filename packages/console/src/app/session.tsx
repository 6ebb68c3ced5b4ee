import { createContext, useContext } from 'react';
import { roleAllows, type Role } from '@outpost/protocol';

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface Session {
  user: SessionUser;
  /** When the sign-in session ends (known when signed in from this tab). */
  expiresAt: string | null;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/** True when the signed-in role is at least `needed`; controls a role cannot use are not shown at all. */
export function useCan(): (needed: Role) => boolean {
  const s = useSession();
  return (needed) => roleAllows(s.user.role, needed);
}

export const roleAtLeast = (role: Role, needed: Role) => roleAllows(role, needed);

const EXPIRY_KEY = 'outpost.session.expiresAt';

export function rememberExpiry(username: string, expiresAt: string) {
  sessionStorage.setItem(EXPIRY_KEY, JSON.stringify({ username, expiresAt }));
}

export function recalledExpiry(username: string): string | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(EXPIRY_KEY) ?? 'null') as {
      username: string;
      expiresAt: string;
    } | null;
    return v && v.username === username ? v.expiresAt : null;
  } catch {
    return null;
  }
}

export function forgetExpiry() {
  sessionStorage.removeItem(EXPIRY_KEY);
}

/** Any page that meets a 401 says so once; the shell goes back to the sign-in form. */
export function reportUnauthenticated() {
  window.dispatchEvent(new CustomEvent('outpost:unauthenticated'));
}
