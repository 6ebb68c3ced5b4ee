import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { AuditCheckpoint, AuditRecord } from '../api-types.js';
import { AuditChainVerifier, GENESIS_HASH, auditRecordHash, signAuditCheckpoint } from './audit-proof.js';

const key = generateKeyPairSync('ed25519');
const PUB = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = {
      seq,
      ts: `2026-03-02T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
      actorType: 'user',
      actor: 'ann',
      action: 'device.command',
      target: `device:gw-${seq}`,
      outcome: 'ok' as const,
      sourceIp: null,
      details: { n: seq },
      prevHash: prev,
    };
    const rec = { ...body, hash: auditRecordHash(body) };
    out.push(rec);
    prev = rec.hash;
  }
  return out;
}

/** Re-links every record from index `from` on, as someone with write access to the table would. */
function rehashFrom(records: AuditRecord[], from: number): AuditRecord[] {
  const out = records.slice(0, from);
  let prev = from === 0 ? GENESIS_HASH : out[from - 1].hash;
  for (const r of records.slice(from)) {
    const { hash: _hash, ...body } = { ...r, prevHash: prev };
    const rec = { ...body, hash: auditRecordHash(body) };
    out.push(rec);
    prev = rec.hash;
  }
  return out;
}

const checkpointAt = (records: AuditRecord[], seq: number): AuditCheckpoint =>
  signAuditCheckpoint({ seq, hash: records[seq - 1].hash, ts: `t${seq}` }, key.privateKey);

function verify(records: AuditRecord[], checkpoints: AuditCheckpoint[], pub: string | null = PUB) {
  const v = new AuditChainVerifier(pub);
  v.addCheckpoints(checkpoints);
  for (const r of records) if (!v.add(r)) break;
  return v.finish();
}

describe('audit chain verification', () => {
  const records = chain(30);
  const cps = [checkpointAt(records, 10), checkpointAt(records, 20), checkpointAt(records, 30)];

  it('accepts a whole chain and its checkpoints', () => {
    assert.deepEqual(verify(records, cps), { ok: true, records: 30, lastHash: records[29].hash, checkpoints: 3 });
  });

  it('names an edited record', () => {
    const edited = records.map((r) => (r.seq === 14 ? { ...r, actor: 'mallory' } : r));
    const r = verify(edited, cps);
    assert.equal(r.ok, false);
    assert.deepEqual(
      [r.ok === false && r.firstBrokenSeq, r.ok === false && r.reason],
      [14, 'record content does not match its hash'],
    );
  });

  it('names a record deleted from the middle', () => {
    const r = verify(
      records.filter((x) => x.seq !== 7),
      cps,
    );
    assert.deepEqual(r, { ok: false, records: 6, firstBrokenSeq: 7, reason: 'record 7 is missing', missingToSeq: 7 });
  });

  it('names the range cut from the end, from the last signed head', () => {
    const r = verify(records.slice(0, 24), cps);
    assert.deepEqual(r, {
      ok: false,
      records: 24,
      firstBrokenSeq: 25,
      missingToSeq: 30,
      reason: 'records 25–30 are missing: the head signed at t30 is record 30',
    });
  });

  it('names the range of a chain edited and re-hashed from some record on', () => {
    const edited = rehashFrom(
      records.map((r) => (r.seq === 14 ? { ...r, details: { n: 999 } } : r)),
      13,
    );
    const r = verify(edited, cps);
    assert.deepEqual(r, {
      ok: false,
      records: 19,
      firstBrokenSeq: 11,
      reason: 'records 11–20 were rewritten: record 20 differs from the head signed at t20',
    });
    // Without checkpoints the re-hashed chain looks whole: that is what they are for.
    assert.equal(verify(edited, []).ok, true);
  });

  it('refuses a checkpoint signed by another key, and checkpoints without a key', () => {
    const other = generateKeyPairSync('ed25519');
    const forged = signAuditCheckpoint({ seq: 10, hash: records[9].hash, ts: 'x' }, other.privateKey);
    const r = verify(records, [forged]);
    assert.equal(r.ok === false && r.reason, "the checkpoint at record 10 is not signed by this hub's audit key");
    assert.equal(verify(records, cps, null).ok, false);
  });

  it('refuses a checkpoint whose signed fields were changed', () => {
    const moved = { ...cps[0], seq: 11 };
    assert.equal(verify(records, [moved]).ok, false);
  });
});
