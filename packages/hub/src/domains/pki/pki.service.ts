// CA rotation for operators: list the CAs with what still depends on each, rotate, retire. Every
// step, refused ones included, goes to the audit log.
import type {
  CertificateAuthorityList,
  CertificateAuthoritySummary,
  CertificateHealth,
  RetireCaResult,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { HubError } from '../../platform/errors.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { DeviceWhere } from '../devices/index.js';
import type { CaSet } from './ca-set.js';
import type { CaRecord } from './ca-set.store.js';
import { checkRetire, servingOf } from './ca-set.state.js';

/**
 * Live certificates per CA, read from the certificates the enrollment domain keeps; `where` (null =
 * every device) limits the counts to the devices of a caller's group scope.
 */
export interface CaDependents {
  liveByCa(
    now: string,
    where?: DeviceWhere | null,
  ): Promise<Array<{ caId: string; certificates: number; devices: number }>>;
  revokeAllOfCa(caId: string, at: string, reason: string): Promise<number>;
  devicesOnCas(caIds: string[], now: string, limit: number): Promise<string[]>;
  lapsingCount(now: string, until: string, where?: DeviceWhere | null): Promise<number>;
  /** Devices whose renewal failed at least once in a row now (the enrollment domain's renewal state). */
  failingRenewals(where?: DeviceWhere | null): Promise<number>;
}

const DAY_MS = 86_400_000;

export interface PkiService {
  list(): Promise<CertificateAuthorityList>;
  /** Counted over the devices `where` selects (a group-scoped reader's; null = the whole fleet). */
  health(days?: number, where?: DeviceWhere | null): Promise<CertificateHealth>;
  rotate: (actor: Actor, commonName?: string) => Promise<CertificateAuthoritySummary>;
  retire: (actor: Actor, id: string, force: boolean) => Promise<RetireCaResult>;
}

// A forced retirement drops the live sessions of at most this many devices at once (the fleet's size).
const MAX_DISCONNECTED = 1_000_000;

export function createPkiService(d: {
  cas: CaSet;
  dependents: CaDependents;
  audit: AuditLog;
  clock: Clock;
  /** Drops a device's live connection (its certificate was revoked). */
  disconnect(deviceId: string): void;
}): PkiService {
  // One change of the CA set at a time: two rotations at once would both plan the same new CA.
  let changing: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = changing.then(fn, fn);
    changing = run.catch(() => undefined);
    return run;
  }
  async function live(where: DeviceWhere | null = null) {
    return new Map((await d.dependents.liveByCa(d.clock.now().toISOString(), where)).map((r) => [r.caId, r]));
  }
  function summary(r: CaRecord, counts: Map<string, { certificates: number; devices: number }>) {
    const c = counts.get(r.id);
    return {
      id: r.id,
      commonName: r.commonName,
      fingerprint: r.fingerprint,
      certificatePem: d.cas.certificatePem(r.id),
      state: r.state,
      createdAt: r.createdAt,
      retiringSince: r.retiringAt,
      retiredAt: r.retiredAt,
      notAfter: r.notAfter,
      servesHubTls: servingOf(d.cas.records()).id === r.id,
      // A retired CA's certificates are refused wherever they are shown: none is live.
      liveCertificates: r.state === 'retired' ? 0 : (c?.certificates ?? 0),
      devices: r.state === 'retired' ? 0 : (c?.devices ?? 0),
    } satisfies CertificateAuthoritySummary;
  }
  async function denied(actor: Actor, action: string, target: string, err: unknown): Promise<never> {
    if (err instanceof HubError)
      await d.audit.record({ actor, action, target, outcome: 'denied', details: { reason: err.code } });
    throw err;
  }

  return {
    async list(): Promise<CertificateAuthorityList> {
      const counts = await live();
      const items = d.cas.records().map((r) => summary(r, counts));
      const devicesOnRetiringCas = items.filter((i) => i.state === 'retiring').reduce((n, i) => n + i.devices, 0);
      return { items, devicesOnRetiringCas };
    },
    /** Counted over the devices `where` selects (a group-scoped reader's; null = the whole fleet). */
    async health(days = 30, where: DeviceWhere | null = null): Promise<CertificateHealth> {
      const now = d.clock.now();
      const counts = await live(where);
      const retiringCas = d.cas
        .records()
        .filter((r) => r.state === 'retiring')
        .map((r) => ({ id: r.id, retiringSince: r.retiringAt, devices: counts.get(r.id)?.devices ?? 0 }));
      return {
        lapsingWithinDays: days,
        lapsingSoon: await d.dependents.lapsingCount(
          now.toISOString(),
          new Date(now.getTime() + days * DAY_MS).toISOString(),
          where,
        ),
        failingRenewals: await d.dependents.failingRenewals(where),
        devicesOnRetiringCas: retiringCas.reduce((n, c) => n + c.devices, 0),
        retiringCas,
      };
    },
    rotate: (actor: Actor, commonName?: string) => oneAtATime(() => rotate(actor, commonName)),
    retire: (actor: Actor, id: string, force: boolean) => oneAtATime(() => retire(actor, id, force)),
  };

  async function rotate(actor: Actor, commonName?: string): Promise<CertificateAuthoritySummary> {
    let created: CaRecord;
    let retiring: CaRecord;
    try {
      ({ created, retiring } = await d.cas.rotate(commonName));
    } catch (err) {
      return denied(actor, 'pki.ca.rotate', 'pki:ca', err);
    }
    await d.audit.record({
      actor,
      action: 'pki.ca.rotate',
      target: `pki_ca:${created.id}`,
      details: { fingerprint: created.fingerprint, commonName: created.commonName, retiring: retiring.id },
    });
    return summary(created, await live());
  }

  async function retire(actor: Actor, id: string, force: boolean): Promise<RetireCaResult> {
    const counts = await live();
    const dependents = counts.get(id)?.certificates ?? 0;
    try {
      checkRetire(d.cas.records(), id, dependents, force);
    } catch (err) {
      return denied(actor, 'pki.ca.retire', `pki_ca:${id}`, err);
    }
    const now = d.clock.now().toISOString();
    const cutOff = dependents > 0 ? await d.dependents.devicesOnCas([id], now, MAX_DISCONNECTED) : [];
    const record = await d.cas.retire(id);
    // Their devices are refused from now on and their live sessions end now; revoked, they may
    // enroll again with a fresh token.
    const revoked = dependents > 0 ? await d.dependents.revokeAllOfCa(id, now, 'ca_retired') : 0;
    for (const deviceId of cutOff) d.disconnect(deviceId);
    await d.audit.record({
      actor,
      action: 'pki.ca.retire',
      target: `pki_ca:${id}`,
      details: {
        fingerprint: record.fingerprint,
        forced: force,
        revokedCertificates: revoked,
        disconnected: cutOff.length,
      },
    });
    return { ca: summary(record, await live()), revokedCertificates: revoked };
  }
}
