import {
  SCHEMA_VERSION,
  type GuardKeyEndorsement,
  type GuardPolicyDoc,
  type GuardPolicyMessage,
  type GuardPolicyRecord,
  type WriteGrant,
} from '@outpost/protocol';
import { canonicalJson } from '@outpost/protocol';
import { sha256Hex } from '../../platform/ids.js';

// Which policy governs a device: its own when it has one; otherwise the policy of the
// closest group it belongs to — the static groups it is a member of (and their ancestors)
// and the dynamic groups whose filter selects it now — deepest path first, at equal depth
// the first path in alphabetical order, so the choice never depends on insertion order.
// Membership changes (tags, static members, group filters, reported firmware or model)
// reach the guard through the membership events, which recompute the documents affected.

export interface ResolvedPolicy {
  source: 'device' | 'group' | 'none';
  group?: string;
  record?: GuardPolicyRecord;
}

/** "a/b/c" → ["a/b/c", "a/b", "a"]. */
export function pathAndAncestors(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('/'));
}

function closer(a: string, b: string): boolean {
  const da = a.split('/').length;
  const db = b.split('/').length;
  return da !== db ? da > db : a < b;
}

/** Picks the governing policy from the device's own latest record and the latest records of the groups it belongs to. */
export function pickPolicy(own: GuardPolicyRecord | undefined, groups: Iterable<GuardPolicyRecord>): ResolvedPolicy {
  if (own?.policy) return { source: 'device', record: own };
  let best: GuardPolicyRecord | undefined;
  for (const r of groups) {
    if (r.policy && (!best || closer(r.target, best.target))) best = r;
  }
  return best ? { source: 'group', group: best.target, record: best } : { source: 'none' };
}

export function policyDoc(r: ResolvedPolicy): GuardPolicyDoc | null {
  return r.record?.policy ? { ...r.record.policy, version: r.record.version } : null;
}

/** What a document says, without its version and time: two documents with the same content hash alike. */
export function documentHash(
  policy: GuardPolicyDoc | null,
  grants: WriteGrant[],
  guardKey: string,
  keyChain: GuardKeyEndorsement[] = [],
): string {
  // `format: 2`: documents are signed as a whole. A hash stored before differs, so a hub upgraded
  // from then signs and sends each device's document again the next time it looks at it (at the
  // latest when the device reconnects), instead of republishing an unsigned copy agents refuse.
  return sha256Hex(canonicalJson({ format: 2, policy, grants, guardKey, ...(keyChain.length ? { keyChain } : {}) }));
}

/** A new document version: always above the last one, and never below the clock (so a restored hub still moves forward). */
export function nextDocument(
  deviceId: string,
  prevVersion: number | undefined,
  nowMs: number,
  policy: GuardPolicyDoc | null,
  grants: WriteGrant[],
  guardKey: string,
  keyChain: GuardKeyEndorsement[] = [],
): GuardPolicyMessage {
  const version = Math.max((prevVersion ?? 0) + 1, nowMs);
  return {
    v: SCHEMA_VERSION,
    deviceId,
    version,
    issuedAt: nowMs,
    policy,
    grants,
    guardKey,
    ...(keyChain.length ? { keyChain } : {}),
  };
}
