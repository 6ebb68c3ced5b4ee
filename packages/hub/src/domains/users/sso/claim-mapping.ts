import type { Role } from '@outpost/protocol';
import type { ClaimRule, OidcProviderConfig } from '../../../config/oidc-providers.js';
import { roleAllows } from '../principal.js';

export type Claims = Record<string, unknown>;

/** The value at a dotted path (`realm_access.roles`) of the claims, or undefined. */
export function claimAt(claims: Claims, path: string): unknown {
  let at: unknown = claims;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A claim as a list of strings: a string, a number or boolean, or a list of them; anything else is empty. */
export function claimValues(value: unknown): string[] {
  const one = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [String(v)] : [];
  return Array.isArray(value) ? value.slice(0, 1000).flatMap(one) : one(value);
}

export interface Mapping {
  role: Role;
  /** Group paths the user is confined to; empty for the whole fleet. */
  groups: string[];
  /** Indexes of the rules that decided it. */
  rules: number[];
}

/**
 * The role and group scope the claims map to, or null when no rule matches. The most powerful
 * role among matching rules wins, with the groups of the rules that give it (a rule with no
 * groups gives the whole fleet); rules giving lesser roles add nothing, so a broad viewer rule
 * never widens an operator's confinement.
 */
export function mapClaims(rules: readonly ClaimRule[], claims: Claims): Mapping | null {
  const matched = rules
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => claimValues(claimAt(claims, rule.claim)).includes(rule.value));
  if (matched.length === 0) return null;
  const role = matched.map((m) => m.rule.role).reduce((best, r) => (roleAllows(r, best) ? r : best));
  const deciding = matched.filter((m) => m.rule.role === role);
  const whole = deciding.some((m) => m.rule.groups.length === 0);
  const groups = whole ? [] : [...new Set(deciding.flatMap((m) => m.rule.groups))].sort();
  return { role, groups, rules: deciding.map((m) => m.index) };
}

/** True when the provider's allowed-users rule (if any) admits these claims. */
export function isAllowed(allow: OidcProviderConfig['allowUsers'], claims: Claims): boolean {
  if (!allow) return true;
  const pattern = new RegExp(`^(?:${allow.pattern})$`);
  return claimValues(claimAt(claims, allow.claim)).some((v) => pattern.test(v));
}

/** True when the ID token's `amr` or `acr` shows the second factor the provider's settings ask for. */
export function providerProvedMfa(mfa: OidcProviderConfig['mfa'], claims: Claims): boolean {
  if (!mfa) return false;
  const amr = claimValues(claims.amr);
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  return (mfa.amr ?? []).some((v) => amr.includes(v)) || (acr !== null && (mfa.acr ?? []).includes(acr));
}
