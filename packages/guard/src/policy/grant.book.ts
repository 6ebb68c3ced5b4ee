import type { AddressRange } from '../shared/guard.types.js';
import {
  checkGrantSignature,
  checkGrantTime,
  type GrantKey,
  type GrantRejection,
  type WriteGrant,
} from './grant.signature.js';
import { coveredByUnion } from './interval.util.js';

export interface RejectedGrant {
  id: string;
  reason: GrantRejection;
}

/**
 * The write grants of one device (some also set a named state). Signatures and target device are checked once, when the
 * book is built; the validity window is checked on every lookup against the caller's clock.
 * Without a key no grant is trusted.
 */
export class GrantBook {
  readonly accepted: readonly WriteGrant[];
  readonly rejected: readonly RejectedGrant[];

  constructor(grants: readonly unknown[], key: GrantKey | undefined, deviceId: string) {
    const accepted: WriteGrant[] = [];
    const rejected: RejectedGrant[] = [];
    for (const g of grants.slice(0, 1024)) {
      const id = typeof (g as { id?: unknown })?.id === 'string' ? (g as { id: string }).id : '?';
      const v = key ? checkGrantSignature(g, key) : ({ ok: false, reason: 'bad_signature' } as const);
      if (!v.ok) rejected.push({ id, reason: v.reason });
      else if ((g as WriteGrant).deviceId !== deviceId) rejected.push({ id, reason: 'wrong_device' });
      else accepted.push(g as WriteGrant);
    }
    this.accepted = accepted;
    this.rejected = rejected;
  }

  static empty(): GrantBook {
    return new GrantBook([], undefined, '');
  }

  /** A grant setting `state` that is valid at nowMs, if any. */
  stateSetBy(state: string, nowMs: number): WriteGrant | undefined {
    return this.accepted.find((g) => g.setsState === state && checkGrantTime(g, nowMs).ok);
  }

  /** Grants valid at nowMs. */
  active(nowMs: number): WriteGrant[] {
    return this.accepted.filter((g) => checkGrantTime(g, nowMs).ok);
  }

  /** The grants that together cover the whole range for the unit, or undefined if not covered. */
  cover(unit: number, range: AddressRange, nowMs: number): WriteGrant[] | undefined {
    const usable = this.active(nowMs).filter((g) => g.unit === unit && g.table === range.table);
    const end = range.start + range.count - 1;
    if (
      range.count < 1 ||
      !coveredByUnion(
        usable.map((g) => [g.start, g.end] as const),
        range.start,
        end,
      )
    )
      return undefined;
    return usable.filter((g) => g.end >= range.start && g.start <= end);
  }
}
