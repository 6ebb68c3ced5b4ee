import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type {
  RolloutInput,
  RolloutPreview,
  RolloutRecord,
  SignedManifest,
  SignedRoot,
  WaveSpec,
} from '@outpost/protocol';
// A small module of its own: the CLI's help must not load the whole protocol package.
import { rolloutStateText, tallyJobs } from '@outpost/protocol/rollout-view';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';
import { registerReleaseCommands } from './release.commands.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };
const common = (cmd: Command): Command =>
  cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
const num = (v: string) => Number(v);

/** "5,10%,50%,100%" → a canary of 5, then cumulative shares. */
export function parseWaves(text: string): WaveSpec[] {
  return text.split(',').map((p) => {
    const s = p.trim();
    const n = Number(s.replace(/%$/, ''));
    if (!s || !Number.isFinite(n) || n <= 0) throw new Error(`bad wave "${s}": use a count (5) or a share (10%)`);
    return s.endsWith('%') ? { percent: n } : { count: n };
  });
}

const bar = (done: number, total: number, width = 30) => {
  const k = total ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(k)}${'.'.repeat(width - k)}]`;
};

export function renderRollout(r: RolloutRecord): string {
  const t = tallyJobs(r.counts, r.total);
  const lines = [
    `${r.name} (${r.id})  ${r.artifact ? `${r.artifact.name} ${r.artifact.version}` : r.artifactId}`,
    `state ${rolloutStateText(r)}${r.reason ? ` — ${r.reason}` : ''}   ${bar(t.done, r.total)} ${t.done}/${r.total}`,
    `succeeded ${t.succeeded}  failed ${t.failed}${t.rolledBack ? ` (${t.rolledBack} rolled back)` : ''}  skipped ${t.skipped}  canceled ${t.canceled}  in flight ${t.inFlight}  queued ${t.queued}`,
  ];
  if (r.window?.open && r.window.closesAt) lines.push(`maintenance window open until ${r.window.closesAt}`);
  for (const w of r.waves) {
    const wt = tallyJobs(w.counts, w.size);
    lines.push(
      `  wave ${w.idx + 1} ${String(w.size).padStart(6)} devices  ${w.state.padEnd(17)} ${bar(wt.done, w.size, 20)} ok ${wt.succeeded}  failed ${wt.failed}`,
    );
  }
  return lines.join('\n');
}

async function watch(c: Awaited<ReturnType<typeof clientFrom>>, id: string) {
  const tty = process.stdout.isTTY;
  let last = 0;
  let shown = '';
  for (;;) {
    const r = await c.rollouts.get(id);
    const text = renderRollout(r);
    // Printed again only when it changed: a rollout waiting for its window says so once, not every second.
    if (text !== shown) {
      if (tty && last) process.stdout.write(`\x1b[${last}A\x1b[J`);
      console.log(text);
      last = text.split('\n').length;
      shown = text;
    }
    if (!['draft', 'scheduled', 'running', 'paused'].includes(r.state)) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

export function registerUpdatesCommands(program: Command) {
  const artifacts = program
    .command('artifacts')
    .alias('artifact')
    .description('firmware, software and files to roll out; release signing');
  registerReleaseCommands(artifacts);
  common(artifacts.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).artifacts.list();
    output(
      o.json,
      r,
      r.items.map((a) => ({
        ...a,
        signed: a.manifest ? `${a.manifest.signatures.length} sig` : 'no',
      })) as unknown as Array<Record<string, unknown>>,
      ['id', 'name', 'version', 'kind', 'length', 'models', 'signed', 'createdAt'],
    );
  });
  common(artifacts.command('show <id>')).action(async (id: string, o: Common) =>
    printJson(await (await clientFrom(o)).artifacts.get(id)),
  );
  common(artifacts.command('delete <id>')).action(async (id: string, o: Common) => {
    await (await clientFrom(o)).artifacts.remove(id);
    console.log(`deleted ${id}`);
  });
  common(artifacts.command('create'))
    .description('register an artifact, stream its file to the hub, and attach a signed manifest')
    .requiredOption('--name <name>')
    .requiredOption('--version <semver>')
    .requiredOption('--models <list>', 'compatible models, comma-separated')
    .option('--kind <kind>', 'firmware | app | file | agent', 'firmware')
    .option('--min-version <semver>')
    .option('--notes <text>', 'release notes')
    .option('--file <image>', 'upload this file')
    .option('--manifest <json>', 'attach this signed manifest (from `outpost artifact sign`)')
    .action(
      async (
        o: Common & {
          name: string;
          version: string;
          models: string;
          kind: string;
          minVersion?: string;
          notes?: string;
          file?: string;
          manifest?: string;
        },
      ) => {
        const c = await clientFrom(o);
        let a = await c.artifacts.create({
          name: o.name,
          version: o.version,
          kind: o.kind as 'firmware',
          models: o.models.split(',').map((s) => s.trim()),
          minVersion: o.minVersion,
          releaseNotes: o.notes,
        });
        if (o.file) {
          const { uploadArtifact } = await import('@outpost/client');
          a = await uploadArtifact(c.options, a.id, o.file, {
            onProgress: (s, t) => !o.json && process.stderr.write(`\ruploading ${Math.floor((s * 100) / t)}%`),
          });
        }
        if (o.file && !o.json) process.stderr.write('\n');
        if (o.manifest)
          a = await c.artifacts.attachManifest(a.id, JSON.parse(readFileSync(o.manifest, 'utf8')) as SignedManifest);
        if (o.json) return printJson(a);
        console.log(
          `artifact ${a.id}: ${a.name} ${a.version}${a.sha256 ? ` sha256 ${a.sha256}` : ''}${a.manifest ? ', signed' : ''}`,
        );
      },
    );
  common(artifacts.command('upload <id> <file>')).action(async (id: string, file: string, o: Common) =>
    printJson(await (await import('@outpost/client')).uploadArtifact((await clientFrom(o)).options, id, file)),
  );
  common(artifacts.command('manifest <id> <signedJson>'))
    .description('attach a manifest signed offline')
    .action(async (id: string, f: string, o: Common) =>
      printJson(
        await (await clientFrom(o)).artifacts.attachManifest(id, JSON.parse(readFileSync(f, 'utf8')) as SignedManifest),
      ),
    );
  common(artifacts.command('unsigned-manifest <id>'))
    .description('the manifest body to sign offline for an uploaded artifact')
    .requiredOption('--counter <n>', 'anti-rollback counter', num)
    .option('--expires-days <n>', 'days until it expires', num, 365)
    .option('--out <file>')
    .action(async (id: string, o: Common & { counter: number; expiresDays: number; out?: string }) => {
      const m = await (await clientFrom(o)).artifacts.unsignedManifest(id, o.counter, o.expiresDays);
      if (o.out) writeFileSync(o.out, JSON.stringify(m, null, 2) + '\n');
      else printJson(m);
    });
  common(artifacts.command('sign-on-hub <id>'))
    .description('sign with a release key the hub holds (it counts only if the trust root lists it)')
    .requiredOption('--keyid <id>')
    .requiredOption('--counter <n>', 'anti-rollback counter', num)
    .action(async (id: string, o: Common & { keyid: string; counter: number }) =>
      printJson(await (await clientFrom(o)).artifacts.signOnHub(id, { keyid: o.keyid, counter: o.counter })),
    );
  const trust = artifacts.command('trust').description('the update trust root devices receive at enrollment');
  common(trust.command('show')).action(async (o: Common) => printJson(await (await clientFrom(o)).updateTrust.root()));
  common(trust.command('set <rootJson>'))
    .description('set the first root, or rotate to the next (signed by the old threshold)')
    .action(async (f: string, o: Common) =>
      printJson(await (await clientFrom(o)).updateTrust.setRoot(JSON.parse(readFileSync(f, 'utf8')) as SignedRoot)),
    );
  common(trust.command('keys')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).updateTrust.keys();
    output(o.json, r, r.items as unknown as Array<Record<string, unknown>>, ['keyid', 'name', 'createdAt']);
  });
  common(trust.command('create-key'))
    .requiredOption('--name <name>')
    .action(async (o: Common & { name: string }) =>
      printJson(await (await clientFrom(o)).updateTrust.createKey(o.name)),
    );
  registerRollouts(program);
}

function registerRollouts(program: Command) {
  const rollouts = program.command('rollouts').description('deploy a signed artifact to a group or filter, in waves');
  common(rollouts.command('create'))
    .requiredOption('--name <name>')
    .requiredOption('--artifact <id>')
    .option('--group <path>', 'target group')
    .option('--filter <expr>', 'target filter')
    .option('--waves <list>', 'canary count then shares, e.g. 5,10%,50%,100%')
    .option('--threshold <pct>', 'success %% a wave needs before the next starts', num)
    .option('--approval', 'wait for `outpost rollouts approve` between waves')
    .option('--abort-failures <n>', 'abort after this many failed devices', num)
    .option('--abort-pct <pct>', 'abort when this %% of started devices failed', num)
    .option('--max-in-flight <n>', 'devices updating at once', num)
    .option('--device-timeout <s>', 'seconds one device attempt may take', num)
    .option('--retries <n>', 'retries of transient failures (download, link loss)', num)
    .option('--window <cron|minutes|tz>', 'maintenance window, e.g. "0 2 * * *|120|Europe/Berlin"')
    .option('--rate <n>', 'devices started per minute', num)
    .option('--health-deadline <s>', 'seconds a device has to come back healthy after its reboot', num)
    .option('--start-at <iso>', 'scheduled start')
    .option('--deadline <iso>', 'offline devices are picked up until then')
    .option('--rollback-on-abort', 'on abort, send updated devices back to their previous slot')
    .option('--draft', 'create without starting')
    .option('--dry-run', 'show which devices would update, wait or be skipped (and why); create nothing')
    .option('--otp <code>', 'a code from your authenticator, if the hub asks for a fresh second factor')
    .option('--watch', 'follow the progress')
    .action(async (o: Common & Record<string, string | number | boolean | undefined>) => {
      const c = await clientFrom(o);
      const [cron, minutes, timezone] = typeof o.window === 'string' ? o.window.split('|') : [];
      const input: RolloutInput = {
        name: String(o.name),
        artifactId: String(o.artifact),
        target: o.group ? { group: String(o.group) } : { filter: String(o.filter ?? '') },
        ...(o.waves ? { waves: parseWaves(String(o.waves)) } : {}),
        ...(o.threshold !== undefined ? { successThresholdPct: Number(o.threshold) } : {}),
        ...(o.approval ? { advance: 'approval' as const } : {}),
        ...(o.abortFailures !== undefined ? { abortFailures: Number(o.abortFailures) } : {}),
        ...(o.abortPct !== undefined ? { abortFailurePct: Number(o.abortPct) } : {}),
        ...(o.maxInFlight !== undefined ? { maxInFlight: Number(o.maxInFlight) } : {}),
        ...(o.deviceTimeout !== undefined ? { deviceTimeoutS: Number(o.deviceTimeout) } : {}),
        ...(o.retries !== undefined ? { retries: { max: Number(o.retries), baseS: 30, capS: 900 } } : {}),
        ...(cron ? { maintenanceWindow: { cron, durationMin: Number(minutes), timezone: timezone ?? 'UTC' } } : {}),
        ...(o.rate !== undefined ? { ratePerMinute: Number(o.rate) } : {}),
        ...(o.healthDeadline !== undefined ? { healthDeadlineS: Number(o.healthDeadline) } : {}),
        ...(o.startAt ? { startAt: String(o.startAt) } : {}),
        ...(o.deadline ? { deadline: String(o.deadline) } : {}),
        ...(o.rollbackOnAbort ? { rollbackOnAbort: true } : {}),
        ...(o.draft ? { start: false } : {}),
        ...(o.otp ? { otp: String(o.otp) } : {}),
      };
      if (o.dryRun) {
        const p = await c.rollouts.preview(input);
        if (o.json) return printJson(p);
        return console.log(renderPreview(p));
      }
      const r = await c.rollouts.create(input);
      if (o.json) return printJson(r);
      if (o.watch) return void (await watch(c, r.id));
      console.log(renderRollout(r));
    });
  common(rollouts.command('list')).action(async (o: Common) => {
    const r = await (await clientFrom(o)).rollouts.list();
    output(
      o.json,
      r,
      r.items.map((x) => ({
        ...x,
        artifact: x.artifact ? `${x.artifact.name} ${x.artifact.version}` : x.artifactId,
        done: `${x.counts.succeeded ?? 0}/${x.total}`,
      })) as unknown as Array<Record<string, unknown>>,
      ['id', 'name', 'artifact', 'state', 'done', 'createdAt'],
    );
  });
  common(rollouts.command('show <id>'))
    .option('--watch', 'redraw every second until the rollout ends')
    .action(async (id: string, o: Common & { watch?: boolean }) => {
      const c = await clientFrom(o);
      if (o.watch) return void (await watch(c, id));
      const r = await c.rollouts.get(id);
      if (o.json) printJson(r);
      else console.log(renderRollout(r));
    });
  common(rollouts.command('jobs <id>'))
    .option('--state <state>')
    .option('--wave <n>', 'wave number (1-based)', num)
    .option('--limit <n>', 'rows', num, 100)
    .action(async (id: string, o: Common & { state?: string; wave?: number; limit: number }) => {
      const r = await (await clientFrom(o)).rollouts.jobs(id, { state: o.state, wave: o.wave, limit: o.limit });
      output(o.json, r, r.items.map((j) => ({ ...j, wave: j.wave + 1 })) as unknown as Array<Record<string, unknown>>, [
        'deviceId',
        'wave',
        'state',
        'reason',
        'attempt',
        'fromVersion',
        'lastError',
      ]);
    });
  common(rollouts.command('job <jobId>'))
    .description('one device job with the time of every transition')
    .action(async (id: string, o: Common) => {
      const j = await (await clientFrom(o)).rollouts.job(id);
      if (o.json) return printJson(j);
      console.log(
        `${j.deviceId}: ${j.state}${j.reason ? ` (${j.reason})` : ''}${j.lastError ? ` — ${j.lastError}` : ''}`,
      );
      output(false, j, (j.history ?? []) as unknown as Array<Record<string, unknown>>, [
        'at',
        'state',
        'attempt',
        'reason',
        'detail',
      ]);
    });
  for (const verb of ['start', 'pause', 'resume', 'cancel', 'approve', 'abort'] as const) {
    common(rollouts.command(`${verb} <id>`))
      .option(
        '--otp <code>',
        'prove a second factor first (start, resume and approve need one from the last 5 minutes when MFA is enrolled)',
      )
      .action(async (id: string, o: Common & { otp?: string }) => {
        const c = await clientFrom(o);
        if (o.otp) await c.mfa.verify(o.otp);
        const r = await c.rollouts[verb](id);
        if (o.json) printJson(r);
        else console.log(renderRollout(r));
      });
  }
}

/** `rollouts create --dry-run`: counts, waves, then the devices that would not update and why. */
function renderPreview(p: RolloutPreview): string {
  const skipped = Object.entries(p.skipped).map(([reason, n]) => `${n} ${reason}`);
  const lines = [
    `${p.artifact.name} ${p.artifact.version} (${p.artifact.kind}) to ${p.total} device(s): ` +
      `${p.willUpdate} would update, ${p.waiting} waiting for their first hello` +
      (skipped.length ? `, skipped: ${skipped.join(', ')}` : ''),
    `  waves: ${p.waves.join(' + ') || 'none'}`,
  ];
  for (const d of p.devices.filter((x) => x.outcome !== 'update'))
    lines.push(`  ${d.id}  ${d.outcome}${d.reason ? `  ${d.reason}: ${d.detail}` : ''}`);
  if (p.truncated) lines.push(`  (first ${p.devices.length} devices listed)`);
  return lines.join('\n');
}
