import type { Command } from 'commander';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate');
}

const firstLine = (s: string) => (s.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 60);

/** `outpost diag list|run|results`: named diagnostics the agents declare, run on devices. */
export function registerDiagnosticsCommands(program: Command) {
  const diag = program
    .command('diag')
    .description('run diagnostics the device owners declared (agent --diag) on one device or many');

  common(diag.command('list <device>').description('the diagnostic names a device declared'))
    .option('--json', 'print JSON for scripts')
    .action(async (device: string, o: Common) => {
      const r = await (await clientFrom(o)).diagnostics.declared(device);
      if (o.json) return printJson(r);
      if (r.names.length === 0)
        console.log(`${device} declares no diagnostics (agent run --diag name=/path/to/program …)`);
      for (const n of r.names) console.log(n);
    });

  common(
    diag
      .command('run <name>')
      .description('run a diagnostic on a device, a group or the devices a filter selects (inside your scope)'),
  )
    .option('--device <id>', 'one device')
    .option('--group <path>', "a group's devices")
    .option('--filter <filter>', 'the devices a filter selects, e.g. \'tag.site = "north"\'')
    .option('--param <value>', 'the one parameter the diagnostic takes (checked by the agent against its pattern)')
    .option('--timeout <s>', 'seconds to wait for each device', (v) => Number(v))
    .option('--wait', 'wait for every device and print the results')
    .option('--json', 'print JSON for scripts')
    .action(
      async (
        name: string,
        o: Common & {
          device?: string;
          group?: string;
          filter?: string;
          param?: string;
          timeout?: number;
          wait?: boolean;
        },
      ) => {
        const targets = [o.device, o.group, o.filter].filter((v) => v !== undefined).length;
        if (targets !== 1) throw new Error('give exactly one of --device, --group or --filter');
        const c = await clientFrom(o);
        const run = await c.diagnostics.start({
          name,
          ...(o.device !== undefined ? { deviceId: o.device } : {}),
          ...(o.group !== undefined ? { group: o.group } : {}),
          ...(o.filter !== undefined ? { filter: o.filter } : {}),
          ...(o.param !== undefined ? { param: o.param } : {}),
          ...(o.timeout !== undefined ? { timeoutS: o.timeout } : {}),
        });
        if (!o.wait) {
          if (o.json) return printJson(run);
          console.log(`${run.id}: ${name} on ${run.devices} device(s); see "outpost diag results ${run.id}"`);
          return;
        }
        const until = Date.now() + run.timeoutMs + 60_000;
        while ((await c.diagnostics.get(run.id, 0)).state !== 'finished') {
          if (Date.now() > until) throw new Error(`${run.id} is still running; see "outpost diag results ${run.id}"`);
          await new Promise((r) => setTimeout(r, 500));
        }
        await printResults(c, run.id, o.json);
      },
    );

  common(diag.command('results <run>').description("a run's results per device; whole outputs with --json or --zip"))
    .option('--json', 'print every result with whole outputs as JSON')
    .option('--zip <file>', 'write a zip: run.json and per device result.json, stdout.txt, stderr.txt')
    .action(async (runId: string, o: Common & { zip?: string }) => {
      const c = await clientFrom(o);
      if (o.zip) {
        const { downloadDiagnostics } = await import('@outpost/client');
        const { bytes } = await downloadDiagnostics(c.options, runId, 'zip', o.zip);
        console.log(`${o.zip}: ${bytes} bytes`);
        return;
      }
      await printResults(c, runId, o.json);
    });
}

async function printResults(c: Awaited<ReturnType<typeof clientFrom>>, runId: string, json?: boolean) {
  if (json) {
    const { downloadDiagnostics } = await import('@outpost/client');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'outpost-diag-'));
    try {
      await downloadDiagnostics(c.options, runId, 'json', join(dir, 'r.json'));
      process.stdout.write(readFileSync(join(dir, 'r.json')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const r = await c.diagnostics.get(runId, 2048);
  console.log(
    `${r.id}: ${r.name}${r.param !== null ? ` ${r.param}` : ''} on ${r.target} — ${r.state}; ` +
      Object.entries(r.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  output(
    false,
    r,
    r.results.map((x) => ({
      device: x.deviceId,
      status: x.status,
      exit: x.exitCode ?? '',
      ms: x.durationMs,
      truncated: x.truncated ? 'yes' : '',
      reason: x.reason ?? '',
      output: firstLine(x.stdout || x.stderr),
    })),
    ['device', 'status', 'exit', 'ms', 'truncated', 'reason', 'output'],
  );
}
