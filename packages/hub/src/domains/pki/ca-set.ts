// The hub's CA set: the CA that signs, the CAs still trusted while devices move off them, and the
// retired ones (trusted nowhere, kept to name the reason a device of theirs is refused). The
// states live in the database (pki_cas), each CA's certificate and sealed key under pki/.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../storage/database.js';
import { loadOrCreateCa, type CertificateAuthority, type DeviceCsrOptions, type IssuedDeviceCert } from './ca.js';
import { certificateInfo } from './cert-info.js';
import { createCaSetStore, type CaRecord } from './ca-set.store.js';
import { activeOf, planRotation, servingOf, trustedOf } from './ca-set.state.js';

export interface CaSet {
  /** The active CA's id: the one that signs new device certificates. */
  readonly id: string;
  /** The fingerprint a new device pins: the CA serving the hub's TLS certificate. */
  readonly fingerprint: string;
  /** Every trusted CA's certificate, the serving one first (what devices and the broker trust). */
  readonly certPem: string;
  signDeviceCsr(csrPem: string, deviceId: string, opts?: DeviceCsrOptions): Promise<IssuedDeviceCert>;
  active(): CertificateAuthority;
  /** The CA that issues the hub's TLS server certificate. */
  serving(): CertificateAuthority;
  /** The certificates of retired CAs (the broker names the reason for their devices' refusal). */
  retiredPems(): string[];
  records(): CaRecord[];
  /** The certificate of any CA of the set ('' for a retired one whose file is gone). */
  certificatePem(caId: string): string;
  isRetired(caId: string): boolean;
  /** Creates a new CA that signs from now on; the active one becomes retiring. */
  rotate(commonName?: string): Promise<{ created: CaRecord; retiring: CaRecord }>;
  /** Marks a retiring CA retired (the caller has checked its dependents). */
  retire(id: string): Promise<CaRecord>;
  /**
   * Called after every change, with the set already updated. `trust` listeners (the hub's TLS
   * listeners) run before `devices` ones (telling devices), so a device told to drop a CA finds
   * the hub already serving a certificate of the CAs it keeps.
   */
  onChange(listener: () => Promise<void>, stage?: 'trust' | 'devices'): void;
  /**
   * One revocation list per trusted CA (concatenated PEM), each naming that CA's revoked serials: a
   * broker checking revocation needs a list from every CA it trusts, or it refuses all their devices.
   */
  revocationLists(
    revoked: Array<{ serial: string; caId: string; revokedAt: string }>,
    validForMs: number,
  ): Promise<string>;
}

export interface CaSetOptions {
  db: Db;
  dataDir: string;
  kek: Buffer;
  clock: Clock;
}

const DEFAULT_CN = 'Outpost Device CA';

/** Loads the CA set, registering the first CA (pki/ca.crt, created if missing) when the set is empty. */
export async function loadCaSet(o: CaSetOptions): Promise<CaSet> {
  const store = createCaSetStore(o.db);
  let records = await store.list();
  if (records.length === 0) {
    const first = await loadOrCreateCa({ dataDir: o.dataDir, kek: o.kek, clock: o.clock, id: 'ca-1' });
    await store.insert(recordOf(first, 'ca.crt', 'ca.key.enc', o.clock.now().toISOString()));
    records = await store.list();
  }
  const authorities = new Map<string, CertificateAuthority>();
  const retiredPem = new Map<string, string>();
  for (const r of records) {
    if (r.state === 'retired') {
      const pem = await readRetired(o.dataDir, r);
      if (pem) retiredPem.set(r.id, pem);
    } else authorities.set(r.id, await loadTrusted(o, r));
  }
  activeOf(records);
  const listeners = { trust: [] as Array<() => Promise<void>>, devices: [] as Array<() => Promise<void>> };
  const ca = (id: string) => authorities.get(id)!;
  const changed = async () => {
    for (const l of [...listeners.trust, ...listeners.devices]) await l();
  };

  return {
    get id() {
      return activeOf(records).id;
    },
    get fingerprint() {
      return ca(servingOf(records).id).fingerprint;
    },
    get certPem() {
      return trustedOf(records)
        .map((r) => ca(r.id).certPem)
        .join('');
    },
    signDeviceCsr: (csrPem, deviceId, opts) => ca(activeOf(records).id).signDeviceCsr(csrPem, deviceId, opts),
    active: () => ca(activeOf(records).id),
    serving: () => ca(servingOf(records).id),
    retiredPems: () => [...retiredPem.values()],
    records: () => records.map((r) => ({ ...r })),
    certificatePem: (caId) => authorities.get(caId)?.certPem ?? retiredPem.get(caId) ?? '',
    isRetired: (caId) => records.some((r) => r.id === caId && r.state === 'retired'),
    async rotate(commonName) {
      const { newId, retiringId } = planRotation(records);
      const files = { cert: `${newId}.crt`, key: `${newId}.key.enc` };
      const now = o.clock.now().toISOString();
      const fresh = await loadOrCreateCa({
        dataDir: o.dataDir,
        kek: o.kek,
        clock: o.clock,
        id: newId,
        files,
        commonName: commonName ?? `${DEFAULT_CN} ${newId.slice(3)}`,
      });
      const created = recordOf(fresh, files.cert, files.key, now);
      // One transaction: the set is never without its one active CA.
      await o.db.transaction().execute(async (trx) => {
        const s = createCaSetStore(trx);
        if (!(await s.transition(retiringId, 'active', 'retiring', now)))
          throw new Error(`CA ${retiringId} is no longer the active CA; list the CAs and try again`);
        await s.insert(created);
      });
      authorities.set(newId, fresh);
      records = await store.list();
      await changed();
      return { created, retiring: records.find((r) => r.id === retiringId)! };
    },
    async retire(id) {
      if (!(await store.transition(id, 'retiring', 'retired', o.clock.now().toISOString())))
        throw new Error(`CA ${id} is not retiring`);
      retiredPem.set(id, ca(id).certPem);
      authorities.delete(id);
      records = await store.list();
      await changed();
      return records.find((r) => r.id === id)!;
    },
    onChange: (l, stage = 'devices') => void listeners[stage].push(l),
    async revocationLists(revoked, validForMs) {
      const lists = await Promise.all(
        trustedOf(records).map((r) =>
          ca(r.id).signCrl(
            revoked.filter((x) => x.caId === r.id),
            validForMs,
          ),
        ),
      );
      return lists.join('');
    },
  };
}

function recordOf(ca: CertificateAuthority, certFile: string, keyFile: string, at: string): CaRecord {
  const info = certificateInfo(ca.certPem);
  return {
    id: ca.id,
    fingerprint: ca.fingerprint,
    commonName: info.subjectCn,
    state: 'active',
    certFile,
    keyFile,
    notAfter: info.notAfter.toISOString(),
    createdAt: at,
    retiringAt: null,
    retiredAt: null,
  };
}

/** A trusted CA must be whole on disk and be the very certificate the set recorded. */
async function loadTrusted(o: CaSetOptions, r: CaRecord): Promise<CertificateAuthority> {
  const dir = join(o.dataDir, 'pki');
  for (const f of [r.certFile, r.keyFile])
    if (!existsSync(join(dir, f)))
      throw new Error(`CA ${r.id} (${r.state}) is missing ${join(dir, f)}: restore the pki/ folder from a backup`);
  const ca = await loadOrCreateCa({
    dataDir: o.dataDir,
    kek: o.kek,
    clock: o.clock,
    id: r.id,
    files: { cert: r.certFile, key: r.keyFile },
  });
  if (ca.fingerprint !== r.fingerprint)
    throw new Error(`${join(dir, r.certFile)} is not CA ${r.id} (fingerprint ${ca.fingerprint.slice(0, 16)}…)`);
  return ca;
}

/** A retired CA's certificate only names refusals; without it they are refused as untrusted. */
async function readRetired(dataDir: string, r: CaRecord): Promise<string | null> {
  return readFile(join(dataDir, 'pki', r.certFile), 'utf8').catch(() => null);
}
