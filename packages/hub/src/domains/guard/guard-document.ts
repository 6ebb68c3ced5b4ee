import { SCHEMA_VERSION, type GuardPolicyDoc, type GuardPolicyMessage, type GuardPolicyRecord, type WriteGrant } from '@outpost/protocol';
import { canonicalJson } from '../../platform/canonical-json.js';
import { sha256Hex } from '../../platform/ids.js';
import type { GuardStore } from './guard.store.js';

// Which policy governs a device: its own when it has one; otherwise the policy of the
// closest static group it belongs to (deepest path; at equal depth the first path in
// alphabetical order, so the choice never depends on insertion order). Dynamic groups do
// not carry guard policies: their membership changes without any event the hub could
// republish on.

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

export async function resolvePolicy(store: GuardStore, deviceId: string, staticGroups: string[]): Promise<ResolvedPolicy> {
  const own = (await store.latestPolicies('device', [deviceId])).get(deviceId);
  if (own?.policy) return { source: 'device', record: own };
  const candidates = [...new Set(staticGroups.flatMap(pathAndAncestors))];
  let best: GuardPolicyRecord | undefined;
  for (const r of (await store.latestPolicies('group', candidates)).values()) {
    if (r.policy && (!best || closer(r.target, best.target))) best = r;
  }
  return best ? { source: 'group', group: best.target, record: best } : { source: 'none' };
}

export function policyDoc(r: ResolvedPolicy): GuardPolicyDoc | null {
  return r.record?.policy ? { ...r.record.policy, version: r.record.version } : null;
}

/** What a document says, without its version and time: two documents with the same content hash alike. */
export function documentHash(policy: GuardPolicyDoc | null, grants: WriteGrant[], guardKey: string): string {
  return sha256Hex(canonicalJson({ policy, grants, guardKey }));
}

/** A new document version: always above the last one, and never below the clock (so a restored hub still moves forward). */
export function nextDocument(
  deviceId: string, prevVersion: number | undefined, nowMs: number, policy: GuardPolicyDoc | null, grants: WriteGrant[], guardKey: string,
): GuardPolicyMessage {
  const version = Math.max((prevVersion ?? 0) + 1, nowMs);
  return { v: SCHEMA_VERSION, deviceId, version, issuedAt: nowMs, policy, grants, guardKey };
}
