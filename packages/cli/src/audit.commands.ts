import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AuditCheckpoint, AuditCheckpointExport, AuditVerifyResult } from '@outpost/protocol';
import type { OutpostClient } from '@outpost/client';
import { clientFrom } from './credentials.js';
import { common, type Common } from './monitoring-cli.util.js';
import { output, printJson } from './output.js';

const PAGE = 1000;

export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description('the hash-chained audit log and its signed checkpoints');
  common(audit.command('list'))
    .option('--action <a>')
    .option('--actor <a>')
    .option('--limit <n>', 'records', (v) => Number(v), 50)
    .action(async (o: Common & { action?: string; actor?: string; limit: number }) => {
      const r = await (await clientFrom(o)).audit.list({ action: o.action, actor: o.actor, limit: o.limit });
      output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, [
        'seq',
        'ts',
        'actor',
        'action',
        'target',
        'outcome',
      ]);
    });
  common(audit.command('verify'))
    .description('check the chain and its signed checkpoints (on the hub, or here against a checkpoints file)')
    .option('--checkpoints <file>', 'verify here, against checkpoints kept outside the hub (outpost audit checkpoints)')
    .action(async (o: Common & { checkpoints?: string }) => {
      const c = await clientFrom(o);
      const r = o.checkpoints ? await verifyHere(c, readWitness(o.checkpoints)) : await c.audit.verify();
      if (o.json) printJson(r);
      else console.log(describe(r, o.checkpoints));
      if (!r.ok) process.exitCode = 3;
    });
  common(audit.command('checkpoints'))
    .description("keep the hub's signed checkpoints outside it: adds new ones to FILE, refuses ones that disagree")
    .requiredOption('--out <file>', 'the checkpoints file (created, or extended)')
    .action(async (o: Common & { out: string }) => {
      const c = await clientFrom(o);
      const kept = existsSync(o.out) ? readWitness(o.out) : null;
      const fetched = await allCheckpoints(c);
      const merged = mergeWitness(kept, fetched, o.out);
      writeFileSync(o.out, JSON.stringify(merged, null, 1) + '\n', { mode: 0o600 });
      const added = merged.checkpoints.length - (kept?.checkpoints.length ?? 0);
      console.log(`${o.out}: ${merged.checkpoints.length} checkpoints (${added} new), last at record ${last(merged)}`);
    });
}

function describe(r: AuditVerifyResult, file?: string): string {
  const against = file ? ` (checked here against ${file})` : '';
  if (r.ok) return `audit chain intact: ${r.records} records, ${r.checkpoints} signed checkpoints agree${against}`;
  return `audit chain BROKEN from record ${r.firstBrokenSeq}: ${r.reason}${against}`;
}

const last = (w: AuditCheckpointExport) => w.checkpoints[w.checkpoints.length - 1]?.seq ?? 0;

function readWitness(file: string): AuditCheckpointExport {
  const w = JSON.parse(readFileSync(file, 'utf8')) as AuditCheckpointExport;
  if (typeof w.publicKeyPem !== 'string' || !Array.isArray(w.checkpoints))
    throw new Error(`${file} is not a checkpoints file (publicKeyPem, checkpoints)`);
  return w;
}

async function allCheckpoints(c: OutpostClient): Promise<AuditCheckpointExport> {
  const checkpoints: AuditCheckpoint[] = [];
  let after = 0;
  let publicKeyPem = '';
  for (;;) {
    const page = await c.audit.checkpoints({ after, limit: PAGE });
    publicKeyPem = page.publicKeyPem;
    checkpoints.push(...page.checkpoints);
    if (!page.nextCursor) return { publicKeyPem, checkpoints };
    after = Number(page.nextCursor);
  }
}

/** What the file held plus what is new; a different key, or a head that changed, is refused. */
export function mergeWitness(
  kept: AuditCheckpointExport | null,
  fetched: AuditCheckpointExport,
  file: string,
): AuditCheckpointExport {
  if (!kept) return fetched;
  if (kept.publicKeyPem.trim() !== fetched.publicKeyPem.trim())
    throw new Error(`the hub signs with another audit key than the one kept in ${file}: nothing was written`);
  const bySeq = new Map(kept.checkpoints.map((cp) => [cp.seq, cp]));
  for (const cp of fetched.checkpoints) {
    const before = bySeq.get(cp.seq);
    if (before && before.hash !== cp.hash)
      throw new Error(
        `the hub's checkpoint at record ${cp.seq} differs from the one kept in ${file}: the audit log was rewritten`,
      );
    bySeq.set(cp.seq, cp);
  }
  const missing = kept.checkpoints.filter((cp) => !fetched.checkpoints.some((f) => f.seq === cp.seq));
  if (missing.length > 0)
    throw new Error(
      `the hub no longer has the checkpoint at record ${missing[0].seq} kept in ${file}: the audit log was cut`,
    );
  return { publicKeyPem: kept.publicKeyPem, checkpoints: [...bySeq.values()].sort((a, b) => a.seq - b.seq) };
}

/**
 * Verifies on this machine: the records as the hub serves them, page by page in sequence order,
 * against the checkpoints of the file, with the file's key. The hub's own verdict is not used.
 */
async function verifyHere(c: OutpostClient, witness: AuditCheckpointExport): Promise<AuditVerifyResult> {
  const { AuditChainVerifier } = await import('@outpost/protocol/node');
  const verifier = new AuditChainVerifier(witness.publicKeyPem);
  if (!verifier.addCheckpoints(witness.checkpoints)) return verifier.finish();
  const head = (await c.audit.list({ limit: 1 })).items[0]?.seq ?? 0;
  // Pages by sequence range: (start − 1, start + PAGE), so a gap shows as a gap, not a shifted page.
  for (let start = 1; start <= head; start += PAGE) {
    const page = await c.audit.list({ before: start + PAGE, limit: PAGE });
    const inRange = page.items.filter((r) => r.seq >= start).reverse();
    for (const r of inRange) if (!verifier.add(r)) return verifier.finish();
  }
  return verifier.finish();
}
