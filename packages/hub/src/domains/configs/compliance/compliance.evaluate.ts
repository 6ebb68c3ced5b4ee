import type { ComplianceState, DriftEntry, ReportedMessage } from '@outpost/protocol';
import { sameValue } from '../settings-values.js';
import type { StoredDesired } from '../effective-state.js';
import { invalidByKey, type StoredInvalid } from '../reported-check.js';

/** A device's last report as stored, with what its model's schema found wrong in it. */
export type StoredReport = Omit<ReportedMessage, 'v'> & { invalid?: StoredInvalid };

export interface SourceVerdict {
  state: ComplianceState;
  diff: DriftEntry[];
  reason: string | null;
}

const MAX_REASONS = 3;

/**
 * Compliance of one device, per source of its desired state (template id or `@device`):
 * pending until the device answers the current version, error when it could not apply or
 * reported nonsense, drifted when a value differs, compliant otherwise.
 *
 * A managed key whose reported value breaks the device model's settings schema makes its
 * source `error` ("reported value invalid: …"): the device holds a value its own model forbids,
 * which no template meant. One exception keeps enforcement working: an enforced key whose value
 * differs from the desired one stays `drifted`, because the hub puts the desired value (checked
 * against the schema when it was saved) back, which ends the violation too; as `error` it would
 * never be fixed. Keys no template manages only show in the device's config view and events.
 */
export function evaluateDevice(
  desired: StoredDesired,
  desiredVersion: number,
  reported: StoredReport | null,
  reportError: string | null,
): Map<string, SourceVerdict> {
  const keysBySource = new Map<string, string[]>();
  for (const [k, e] of Object.entries(desired.e))
    (keysBySource.get(e.s) ?? keysBySource.set(e.s, []).get(e.s)!).push(k);
  for (const [p, f] of Object.entries(desired.files))
    (keysBySource.get(f.s) ?? keysBySource.set(f.s, []).get(f.s)!).push(`file:${p}`);
  const out = new Map<string, SourceVerdict>();
  const changes = new Map((reported?.localChanges ?? []).map((c) => [c.key, c]));
  const failures = new Map(
    (reported?.results ?? []).filter((r) => r.status === 'failed').map((r) => [r.key, r.error ?? 'failed']),
  );
  const files = new Map((reported?.files ?? []).map((f) => [f.path, f]));
  const invalid = invalidByKey(reported?.invalid);
  for (const [source, keys] of keysBySource) {
    if (reportError) {
      out.set(source, { state: 'error', diff: [], reason: reportError });
      continue;
    }
    if (!reported || reported.desiredVersion < desiredVersion) {
      out.set(source, { state: 'pending', diff: [], reason: null });
      continue;
    }
    const failed = keys.filter((k) => failures.has(k));
    if (failed.length) {
      const reason =
        failed
          .slice(0, MAX_REASONS)
          .map((k) => `${k}: ${failures.get(k)}`)
          .join('; ') + (failed.length > MAX_REASONS ? ` (+${failed.length - MAX_REASONS} more)` : '');
      out.set(source, { state: 'error', diff: [], reason });
      continue;
    }
    const diff: DriftEntry[] = [];
    for (const k of keys) {
      const d = k.startsWith('file:')
        ? fileDrift(k, desired.files[k.slice(5)], files.get(k.slice(5)))
        : settingDrift(k, desired.e[k], reported.settings[k]);
      if (!d) continue;
      const c = changes.get(k);
      if (c) Object.assign(d, { changedAt: new Date(c.at).toISOString(), users: c.users, via: c.via });
      diff.push(d);
    }
    if (invalid.size) {
      const drifted = new Set(diff.map((x) => x.key));
      const bad = keys.filter((k) => invalid.has(k) && !(desired.e[k]?.f === 1 && drifted.has(k)));
      if (bad.length) {
        const reason = `reported value invalid: ${bad
          .slice(0, MAX_REASONS)
          .map((k) => `${k}: ${invalid.get(k)}`)
          .join('; ')}${bad.length > MAX_REASONS ? ` (+${bad.length - MAX_REASONS} more)` : ''}`;
        out.set(source, { state: 'error', diff: [], reason });
        continue;
      }
    }
    out.set(source, { state: diff.length ? 'drifted' : 'compliant', diff, reason: null });
  }
  return out;
}

function settingDrift(key: string, want: StoredDesired['e'][string], actual: unknown): DriftEntry | null {
  if (want.d !== undefined) {
    const got =
      actual && typeof actual === 'object' && !Array.isArray(actual)
        ? (actual as { $digest?: string }).$digest
        : undefined;
    if (got === want.d) return null;
    return { key, secret: true, change: actual === undefined ? 'missing' : 'changed' };
  }
  if (actual === undefined) return { key, desired: want.v, actual: null, change: 'missing' };
  return sameValue(actual, want.v) ? null : { key, desired: want.v, actual, change: 'changed' };
}

function fileDrift(
  key: string,
  want: StoredDesired['files'][string],
  got: { sha256: string | null; mode: number | null } | undefined,
): DriftEntry | null {
  if (!got || got.sha256 === null)
    return { key, desired: { sha256: want.sha256, mode: want.mode }, actual: null, change: 'missing' };
  if (got.sha256 === want.sha256 && got.mode === want.mode) return null;
  return {
    key,
    desired: { sha256: want.sha256, mode: want.mode },
    actual: { sha256: got.sha256, mode: got.mode },
    change: 'changed',
  };
}

/** The worst of several states: error > drifted > pending > compliant. */
export function worstState(states: Iterable<ComplianceState>): ComplianceState | null {
  const rank: Record<ComplianceState, number> = { compliant: 0, pending: 1, drifted: 2, error: 3 };
  let worst: ComplianceState | null = null;
  for (const s of states) if (worst === null || rank[s] > rank[worst]) worst = s;
  return worst;
}
