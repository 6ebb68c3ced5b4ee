// The CA set's states and the moves between them, as pure functions of the records:
//
//   active ──rotate──▶ retiring ──retire──▶ retired
//
// Exactly one CA is active (it signs). Rotating makes a new CA the active one and the previous
// active one retiring: still trusted (its certificates keep working) but signing nothing. Retiring
// a CA ends that trust; it is refused while live certificates depend on it unless forced.
import { ErrorCode, MAX_TRUSTED_CAS, type CaState } from '@outpost/protocol';
import { HubError, NotFound } from '../../platform/errors.js';

export interface CaStateRecord {
  id: string;
  state: CaState;
}

/** The one active CA; throws when the set is not whole (exactly one active). */
export function activeOf<R extends CaStateRecord>(records: R[]): R {
  const active = records.filter((r) => r.state === 'active');
  if (active.length !== 1) throw new Error(`the CA set must have exactly one active CA, it has ${active.length}`);
  return active[0];
}

/** The CAs devices may present certificates of, and that devices must trust: every one not retired, oldest first. */
export function trustedOf<R extends CaStateRecord>(records: R[]): R[] {
  return records.filter((r) => r.state !== 'retired');
}

/**
 * The CA that issues the hub's own TLS certificate: the oldest one still trusted. Devices learn a
 * new CA over a connection the old one authenticates, so the hub switches its server certificate
 * only once every older CA is retired; by then every device still admitted trusts the new one.
 */
export function servingOf<R extends CaStateRecord>(records: R[]): R {
  const trusted = trustedOf(records);
  if (trusted.length === 0) throw new Error('the CA set trusts no CA');
  return trusted[0];
}

/** The id the next CA gets, and the active CA that becomes retiring. Throws ca_limit past MAX_TRUSTED_CAS. */
export function planRotation(records: CaStateRecord[]): { newId: string; retiringId: string } {
  const active = activeOf(records);
  if (trustedOf(records).length >= MAX_TRUSTED_CAS)
    throw new HubError(
      ErrorCode.CaLimit,
      `${MAX_TRUSTED_CAS} CAs are trusted already; retire a retiring CA before rotating again`,
    );
  const highest = Math.max(0, ...records.map((r) => Number(r.id.slice(3))));
  return { newId: `ca-${highest + 1}`, retiringId: active.id };
}

/** Whether `id` may be retired now, given how many live certificates it still issued. Throws why not. */
export function checkRetire(records: CaStateRecord[], id: string, liveCertificates: number, force: boolean): void {
  const r = records.find((x) => x.id === id);
  if (!r) throw new NotFound('CA', id);
  if (r.state === 'retired') throw new HubError(ErrorCode.CaRetired, `CA ${id} was retired already`);
  if (r.state === 'active')
    throw new HubError(ErrorCode.CaActive, `CA ${id} signs new certificates; rotate to a new CA before retiring it`);
  if (liveCertificates > 0 && !force)
    throw new HubError(
      ErrorCode.CaInUse,
      `${liveCertificates} live certificate(s) still depend on CA ${id}; wait until their devices renew, or force ` +
        'the retirement (those devices must then enroll again with a fresh token)',
      { liveCertificates },
    );
}
