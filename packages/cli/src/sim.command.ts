import type { Command } from 'commander';
import type { OutpostClient } from '@outpost/client';
import { clientFrom } from './credentials.js';

interface SimFlags {
  devices: number;
  hub?: string;
  token?: string;
  caFile?: string;
  enrollmentToken?: string;
  caFingerprint?: string;
  cache: string;
  prefix: string;
  healthInterval: number;
  dropPerMinute: number;
  rebootPerHour: number;
  slowShare: number;
  slowLatency: number;
  slowKbps: number;
  ramp?: number;
  workers: number;
  powerLoss?: string;
  outage?: string;
  data?: boolean;
}

/** One enrollment token per site, each tagging its devices `site=<name>`, so the fleet is varied. */
async function siteTokens(client: OutpostClient, o: SimFlags) {
  const { SITES } = await import('@outpost/sim');
  const tokens: Record<string, string> = {};
  let fp = '';
  for (const site of SITES) {
    const t = await client.enrollment.createToken({
      label: `simulator ${o.prefix} ${site}`,
      maxUses: o.devices,
      expiresInHours: 1,
      tags: { site, simulated: 'true' },
    });
    tokens[site] = t.token;
    fp = t.caFingerprint;
  }
  return { tokens, fp };
}

// "north@60:30" = at 60 s, site north loses power for 30 s; "0.2@60:30" = 20 % of devices lose their link.
function parseEvent(spec: string | undefined): { what: string; atS: number; forS: number } | null {
  if (!spec) return null;
  const m = /^([\w.-]+)@(\d+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`expected WHAT@AFTER_S:DURATION_S, got "${spec}"`);
  return { what: m[1], atS: Number(m[2]), forS: Number(m[3]) };
}

export function registerSimCommand(program: Command) {
  program
    .command('sim')
    .description('run N virtual devices, each the real agent core with its own certificate and MQTT connection')
    .option('--devices <n>', 'number of devices', (v) => Number(v), 10)
    .option('--hub <url>', 'hub URL (default: saved login or https://localhost:8443)')
    .option('--token <apiToken>', 'API token used to create enrollment tokens')
    .option('--ca-file <file>', 'hub CA certificate (default ./data/pki/ca.crt)')
    .option('--enrollment-token <oet>', 'use this enrollment token instead of creating per-site ones')
    .option('--ca-fingerprint <sha256>', 'hub CA fingerprint (with --enrollment-token)')
    .option('--cache <dir>', 'where enrolled identities are kept for reuse', '.outpost-sim')
    .option('--prefix <p>', 'device id prefix', 'sim')
    .option('--health-interval <s>', 'seconds between health reports', (v) => Number(v), 30)
    .option('--drop-per-minute <p>', 'chance per device per minute of a random link drop', (v) => Number(v), 0)
    .option('--reboot-per-hour <p>', 'chance per device per hour of a reboot', (v) => Number(v), 0)
    .option('--slow-share <f>', 'share of devices on a slow cellular link', (v) => Number(v), 0)
    .option('--slow-latency <ms>', 'added uplink latency of a slow link', (v) => Number(v), 400)
    .option('--slow-kbps <n>', 'uplink bandwidth of a slow link', (v) => Number(v), 64)
    .option('--ramp <ms>', 'spread first connections over this many ms', (v) => Number(v))
    .option('--workers <n>', 'split the fleet over this many processes', (v) => Number(v), 1)
    .option('--power-loss <site@after:for>', 'scripted: a site loses power, e.g. north@60:30')
    .option('--outage <share@after:for>', 'scripted: a share of devices loses its link, e.g. 0.2@60:30')
    .option('--data', 'devices also report process data from a simulated water site (tank level, pumps, flows)')
    .action(async (o: SimFlags) => {
      const client = await clientFrom({ hub: o.hub, token: o.token, caFile: o.caFile });
      let tokens: Record<string, string> | undefined;
      let fp = o.caFingerprint ?? '';
      if (!o.enrollmentToken) ({ tokens, fp } = await siteTokens(client, o));
      const common = {
        hubUrl: client.options.baseUrl,
        caFingerprint: fp,
        token: o.enrollmentToken,
        devices: o.devices,
        cacheDir: o.cache,
        prefix: o.prefix,
        healthIntervalS: o.healthInterval,
        dropPerMinute: o.dropPerMinute,
        rebootPerHour: o.rebootPerHour,
        slowLinks: o.slowShare > 0 ? { share: o.slowShare, latencyMs: o.slowLatency, kbps: o.slowKbps } : undefined,
        rampMs: o.ramp,
        enrollConcurrency: 16,
        processData: o.data ?? false,
      };
      const started = Date.now();
      const log = (m: string) => process.stderr.write(`${m}\n`);
      let fleet: { online(): number; stop(): Promise<void> };
      if (o.workers > 1) {
        const { startWorkers } = await import('@outpost/sim');
        fleet = await startWorkers(o.workers, { ...common, tokens }, log);
      } else {
        const { startSimulation } = await import('@outpost/sim');
        const sim = await startSimulation({
          ...common,
          tokenFor: tokens ? (p) => tokens[p.site] : undefined,
          onProgress: (phase, done, total) => (done === total || done % 500 === 0) && log(`${phase}: ${done}/${total}`),
        });
        const power = parseEvent(o.powerLoss);
        if (power)
          setTimeout(
            () =>
              void sim.scenarios
                .sitePowerLoss(power.what, power.forS * 1000)
                .then((n) => log(`power loss at ${power.what}: ${n} devices down for ${power.forS} s`)),
            power.atS * 1000,
          );
        const outage = parseEvent(o.outage);
        if (outage)
          setTimeout(
            () =>
              void sim.scenarios
                .regionalOutage({ share: Number(outage.what), ms: outage.forS * 1000 })
                .then((n) => log(`cellular outage: ${n} devices down for ${outage.forS} s`)),
            outage.atS * 1000,
          );
        fleet = { online: sim.online, stop: () => sim.stop({ clean: false }) };
      }
      const timer = setInterval(
        () => log(`online ${fleet.online()}/${o.devices} after ${Math.round((Date.now() - started) / 1000)} s`),
        5000,
      );
      const stop = async () => {
        clearInterval(timer);
        await fleet.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
