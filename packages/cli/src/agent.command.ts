import type { Command } from 'commander';
import { enrollDevice, runAgent } from '@outpost/agent';

export function registerAgentCommands(program: Command) {
  const agent = program.command('agent').description('the device agent');
  agent
    .command('enroll')
    .description('make a key pair here and enroll this device with the hub')
    .requiredOption('--hub <url>', 'hub HTTPS URL, e.g. https://hub.example:8443')
    .requiredOption('--token <token>', 'enrollment token (oet_…)')
    .requiredOption('--ca-fingerprint <sha256>', 'SHA-256 fingerprint of the hub CA, shown with the token')
    .option('--id <deviceId>', 'device id (default: one the hub assigns)')
    .option('--name <name>', 'display name')
    .option('--dir <dir>', 'identity directory', '/var/lib/outpost-agent')
    .action(async (o: { hub: string; token: string; caFingerprint: string; id?: string; name?: string; dir: string }) => {
      const r = await enrollDevice({ hubUrl: o.hub, token: o.token, caFingerprint: o.caFingerprint, dir: o.dir, deviceId: o.id, name: o.name });
      console.log(`enrolled as ${r.deviceId}; broker ${r.mqttUrl}; identity in ${o.dir}`);
    });
  agent
    .command('run')
    .description('connect to the hub and stay connected')
    .option('--dir <dir>', 'identity directory', '/var/lib/outpost-agent')
    .option('--model <model>', 'device model reported to the hub', 'linux-gateway')
    .option('--firmware <version>', 'firmware version reported to the hub', '1.0.0')
    .option('--health-interval <s>', 'seconds between health reports', (v) => Number(v), 30)
    .option('--reboot-command <cmd...>', 'command that reboots the device')
    .action(async (o: { dir: string; model: string; firmware: string; healthInterval: number; rebootCommand?: string[] }) => {
      const log = (level: string) => (msg: string, data?: Record<string, unknown>) => console.error(JSON.stringify({ level, msg, ...data, ts: new Date().toISOString() }));
      const a = await runAgent({ dir: o.dir, model: o.model, firmware: o.firmware, healthIntervalS: o.healthInterval, rebootCommand: o.rebootCommand, logger: { info: log('info'), warn: log('warn') } });
      const stop = async () => {
        await a.stop({ clean: true });
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
