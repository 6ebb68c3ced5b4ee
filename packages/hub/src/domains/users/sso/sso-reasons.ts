import { createHash } from 'node:crypto';

/** RFC 7636 §4.2 S256: what a verifier's challenge is. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The error and its causes (openid-client wraps the TLS or network error), in one bounded line. */
export function reasonOf(prefix: string, err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 4; e = e instanceof Error ? e.cause : undefined)
    parts.push(e instanceof Error ? e.message : String(e));
  return `${prefix}: ${parts.join(': ').replace(/\s+/g, ' ').slice(0, 300)}`;
}
