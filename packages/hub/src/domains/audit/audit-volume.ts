import type { Clock } from '../../platform/clock.js';
import type { Actor, AuditEntry } from './audit.types.js';

// Refusals are the audit records an outsider controls the number of. Each actor (by identity and
// address) gets `perMinute` of them in the log as they happen; beyond that they are counted, and
// one summarising record per actor says how many of what were left out, and when. The number of
// actors tracked is bounded too: past `maxActors` the rest share one bucket.

const WINDOW_MS = 60_000;
const OVERFLOW = '*';

interface Bucket {
  actor: Actor;
  windowStart: number;
  admitted: number;
  suppressed: Map<string, number>;
  firstSuppressed: number | null;
  lastSuppressed: number | null;
}

export interface AuditVolumeGuard {
  /** True when the entry goes into the log now; false when it is only counted. */
  admit(entry: AuditEntry): boolean;
  /** One summarising entry per actor with something left out since the last drain. */
  drain(): AuditEntry[];
}

export function createAuditVolumeGuard(o: { clock: Clock; perMinute: number; maxActors: number }): AuditVolumeGuard {
  const buckets = new Map<string, Bucket>();

  function bucketFor(actor: Actor, now: number): Bucket {
    const key = `${actor.type}:${actor.id}@${actor.sourceIp ?? ''}`;
    const found = buckets.get(key);
    if (found) return found;
    const full = buckets.size >= o.maxActors;
    const k = full ? OVERFLOW : key;
    let b = buckets.get(k);
    if (!b) {
      b = {
        actor: full ? { type: 'anonymous', id: 'many actors', sourceIp: null } : actor,
        windowStart: now,
        admitted: 0,
        suppressed: new Map(),
        firstSuppressed: null,
        lastSuppressed: null,
      };
      buckets.set(k, b);
    }
    return b;
  }

  return {
    admit(entry) {
      const now = o.clock.now().getTime();
      const b = bucketFor(entry.actor, now);
      if (now - b.windowStart >= WINDOW_MS) {
        b.windowStart = now;
        b.admitted = 0;
      }
      if (b.admitted < o.perMinute) {
        b.admitted++;
        return true;
      }
      b.suppressed.set(entry.action, (b.suppressed.get(entry.action) ?? 0) + 1);
      b.firstSuppressed ??= now;
      b.lastSuppressed = now;
      return false;
    },
    drain() {
      const now = o.clock.now().getTime();
      const out: AuditEntry[] = [];
      for (const [key, b] of buckets) {
        if (b.suppressed.size > 0) {
          const counts = Object.fromEntries(b.suppressed);
          out.push({
            actor: b.actor,
            action: 'audit.summarised',
            outcome: 'denied',
            details: {
              left_out: counts,
              total: Object.values(counts).reduce((a, n) => a + n, 0),
              from: new Date(b.firstSuppressed!).toISOString(),
              to: new Date(b.lastSuppressed!).toISOString(),
              perMinute: o.perMinute,
            },
          });
          b.suppressed = new Map();
          b.firstSuppressed = null;
          b.lastSuppressed = null;
        } else if (now - b.windowStart >= 2 * WINDOW_MS) buckets.delete(key);
      }
      return out;
    },
  };
}
