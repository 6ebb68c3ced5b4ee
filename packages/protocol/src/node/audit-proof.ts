import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditCheckpoint, AuditRecord, AuditVerifyResult } from '../api-types.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { auditCheckpointSigningBytes } from '../shared/signing-bytes.js';
import { keyIdOf } from './release-keys.js';

// Proof that the audit log is whole: each record names its predecessor's hash (a chain), and the
// hub signs the chain's head at intervals (checkpoints). The chain alone shows an edited record or
// a gap; only the signed heads show a chain rewritten from some record on, or cut short, by anyone
// who can write the database. The hub verifies with this code, and so does `outpost audit verify
// --checkpoints FILE` on the operator's machine against checkpoints kept away from the hub.

export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 over the previous hash and the canonical JSON of the rest of the record. */
export function auditRecordHash(body: Omit<AuditRecord, 'hash'>): string {
  const { prevHash, ...rest } = body;
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(rest)}`)
    .digest('hex');
}

/** Signs the chain head `{ seq, hash }` at `ts` with the audit checkpoint key (Ed25519). */
export function signAuditCheckpoint(
  head: { seq: number; hash: string; ts: string },
  privateKey: KeyObject,
): AuditCheckpoint {
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const unsigned = { seq: head.seq, hash: head.hash, ts: head.ts, keyId: keyIdOf(publicKeyPem) };
  return { ...unsigned, signature: sign(null, auditCheckpointSigningBytes(unsigned), privateKey).toString('base64') };
}

export function auditCheckpointValid(cp: AuditCheckpoint, publicKeyPem: string): boolean {
  if (cp.keyId !== keyIdOf(publicKeyPem)) return false;
  try {
    return verify(null, auditCheckpointSigningBytes(cp), publicKeyPem, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}

type Failure = Extract<AuditVerifyResult, { ok: false }>;

/**
 * Checks records fed in sequence order (page by page; nothing is held but the last link) against
 * each other and against the signed checkpoints, and names the first record that cannot be
 * trusted, or the range that is missing.
 */
export class AuditChainVerifier {
  /** Checkpoints not yet passed; each is dropped once its record was checked, so memory stays flat. */
  private readonly bySeq = new Map<number, AuditCheckpoint>();
  private highest: AuditCheckpoint | null = null;
  private checkpoints = 0;
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private records = 0;
  /** The last record a checkpoint vouched for: rewrites are only provable from after it. */
  private provenSeq = 0;
  private failure: Failure | null = null;

  constructor(private readonly publicKeyPem: string | null) {}

  /** Adds signed heads; give each before the records it covers (any order among themselves). */
  addCheckpoints(checkpoints: Iterable<AuditCheckpoint>): boolean {
    for (const cp of checkpoints) {
      if (this.failure) return false;
      if (!this.publicKeyPem || !auditCheckpointValid(cp, this.publicKeyPem))
        return this.fail(cp.seq, `the checkpoint at record ${cp.seq} is not signed by this hub's audit key`);
      const seen = this.bySeq.get(cp.seq) ?? (this.highest?.seq === cp.seq ? this.highest : undefined);
      if (seen && seen.hash !== cp.hash)
        return this.fail(cp.seq, `two signed checkpoints disagree about record ${cp.seq}`);
      if (seen) continue;
      this.checkpoints++;
      if (!this.highest || cp.seq > this.highest.seq) this.highest = cp;
      if (cp.seq >= this.expectedSeq) this.bySeq.set(cp.seq, cp);
      else if (cp.seq > 0)
        return this.fail(cp.seq, `the checkpoint at record ${cp.seq} came after its record was checked`);
    }
    return !this.failure;
  }

  /** False once a failure is found: later records add nothing. */
  add(record: AuditRecord): boolean {
    if (this.failure) return false;
    if (record.seq !== this.expectedSeq) {
      const missingTo = record.seq - 1;
      const range =
        missingTo > this.expectedSeq ? `records ${this.expectedSeq}–${missingTo} are` : `record ${this.expectedSeq} is`;
      return this.fail(this.expectedSeq, `${range} missing`, record.seq > this.expectedSeq ? missingTo : undefined);
    }
    const { hash, ...body } = record;
    if (record.prevHash !== this.prevHash) return this.fail(record.seq, 'previous-hash link does not match');
    if (auditRecordHash(body) !== hash) return this.fail(record.seq, 'record content does not match its hash');
    const cp = this.bySeq.get(record.seq);
    if (cp && cp.hash !== hash) {
      const from = this.provenSeq + 1;
      const range = from < record.seq ? `records ${from}–${record.seq} were` : `record ${record.seq} was`;
      return this.fail(from, `${range} rewritten: record ${record.seq} differs from the head signed at ${cp.ts}`);
    }
    if (cp) {
      this.provenSeq = record.seq;
      this.bySeq.delete(record.seq);
    }
    this.prevHash = hash;
    this.expectedSeq++;
    this.records++;
    return true;
  }

  finish(): AuditVerifyResult {
    if (this.failure) return this.failure;
    const last = this.expectedSeq - 1;
    const cp = this.highest;
    if (cp && cp.seq > last) {
      const range = cp.seq > last + 1 ? `records ${last + 1}–${cp.seq} are` : `record ${cp.seq} is`;
      this.fail(last + 1, `${range} missing: the head signed at ${cp.ts} is record ${cp.seq}`, cp.seq);
      return this.failure!;
    }
    return { ok: true, records: this.records, lastHash: this.prevHash, checkpoints: this.checkpoints };
  }

  private fail(seq: number, reason: string, missingToSeq?: number): false {
    this.failure ??= {
      ok: false,
      records: this.records,
      firstBrokenSeq: seq,
      reason,
      ...(missingToSeq !== undefined ? { missingToSeq } : {}),
    };
    return false;
  }
}
