import type { Command } from 'commander';
import { startSimulation } from '@outpost/sim';
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
  ramp?: number;
}

export function registerSimCommand(program: Command) {
  program
    .command('sim')
    .description('run N virtual devices, each the real agent core with its own certificate and MQTT connection')
    .option('--devices <n>', 'number of devices', (v) => Number(v), 10)
    .option('--hub <url>', 'hub URL (default: saved login or https://localhost:8443)')
    .option('--token <apiToken>', 'API token used to create the enrollment token')
    .option('--ca-file <file>', 'hub CA certificate (default ./data/pki/ca.crt)')
    .option('--enrollment-token <oet>', 'use this enrollment token instead of creating one')
    .option('--ca-fingerprint <sha256>', 'hub CA fingerprint (with --enrollment-token)')
    .option('--cache <dir>', 'where enrolled identities are kept for reuse', '.outpost-sim')
    .option('--prefix <p>', 'device id prefix', 'sim')
    .option('--health-interval <s>', 'seconds between health reports', (v) => Number(v), 30)
    .option('--drop-per-minute <p>', 'chance per device per minute of a random link drop', (v) => Number(v), 0)
    .option('--ramp <ms>', 'spread first connections over this many ms', (v) => Number(v))
    .action(async (o: SimFlags) => {
      const client = clientFrom({ hub: o.hub, token: o.token, caFile: o.caFile });
      let token = o.enrollmentToken;
      let fp = o.caFingerprint;
      if (!token || !fp) {
        const t = await client.enrollment.createToken({ label: `simulator ${o.prefix} x${o.devices}`, maxUses: o.devices, expiresInHours: 1 });
        token = t.token;
        fp = t.caFingerprint;
      }
      const started = Date.now();
      const sim = await startSimulation({
        hubUrl: client.options.baseUrl,
        caFingerprint: fp,
        token,
        devices: o.devices,
        cacheDir: o.cache,
        prefix: o.prefix,
        healthIntervalS: o.healthInterval,
        dropPerMinute: o.dropPerMinute,
        rampMs: o.ramp,
        onProgress: (phase, done, total) => {
          if (done === total || done % 100 === 0) process.stderr.write(`${phase}: ${done}/${total}\n`);
        },
      });
      const timer = setInterval(() => process.stderr.write(`online ${sim.online()}/${o.devices} after ${Math.round((Date.now() - started) / 1000)} s\n`), 5000);
      const stop = async () => {
        clearInterval(timer);
        await sim.stop({ clean: false });
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
