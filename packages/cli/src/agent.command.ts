import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { enrollDevice, parseGuardSpec, runAgent, GUARD_SPEC_HELP, type GuardPolicy } from '@outpost/agent';
import { GuardPolicyInput, compileValidator } from '@outpost/protocol';
import { accessFromFlags, addAccessAgentOptions, type AccessAgentFlags } from './access-agent.options.js';
import { addUpdateAgentOptions, updatesFromFlags, type UpdateAgentFlags } from './updates-agent.options.js';
import {
  addSettingsAgentOptions,
  settingsCommandFromFlags,
  type SettingsAgentFlags,
} from './settings-agent.options.js';

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
    .action(
      async (o: { hub: string; token: string; caFingerprint: string; id?: string; name?: string; dir: string }) => {
        const r = await enrollDevice({
          hubUrl: o.hub,
          token: o.token,
          caFingerprint: o.caFingerprint,
          dir: o.dir,
          deviceId: o.id,
          name: o.name,
        });
        console.log(`enrolled as ${r.deviceId}; broker ${r.mqttUrl}; identity in ${o.dir}`);
      },
    );
  addSettingsAgentOptions(addUpdateAgentOptions(addAccessAgentOptions(agent.command('run'))))
    .description('connect to the hub and stay connected')
    .option('--dir <dir>', 'identity directory', '/var/lib/outpost-agent')
    .option('--model <model>', 'device model reported to the hub', 'linux-gateway')
    .option('--firmware <version>', 'firmware version reported to the hub', '1.0.0')
    .option('--health-interval <s>', 'seconds between health reports', (v) => Number(v), 30)
    .option('--reboot-command <cmd...>', 'command that reboots the device')
    .option(
      '--guard <spec>',
      `run an inline OT guard (repeatable): ${GUARD_SPEC_HELP}`,
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--guard-policy <file>', 'JSON guard policy used until the hub sends one (default: monitor)')
    .option('--settings-file <file>', "the settings JSON the hub's templates manage (default: <dir>/settings.json)")
    .option('--files-root <dir>', 'where template files are placed (default: <dir>/files; / to place them as named)')
    .option('--flows-interval <s>', 'seconds between traffic reports from /proc/net (0: none)', (v) => Number(v), 60)
    .action(
      async (
        o: {
          dir: string;
          model: string;
          firmware: string;
          healthInterval: number;
          rebootCommand?: string[];
          guard: string[];
          guardPolicy?: string;
          settingsFile?: string;
          filesRoot?: string;
          flowsInterval: number;
        } & AccessAgentFlags &
          UpdateAgentFlags &
          SettingsAgentFlags,
      ) => {
        const log = (level: string) => (msg: string, data?: Record<string, unknown>) =>
          console.error(JSON.stringify({ level, msg, ...data, ts: new Date().toISOString() }));
        const guards = o.guard.map(parseGuardSpec);
        const guardPolicy = o.guardPolicy ? readGuardPolicy(o.guardPolicy) : undefined;
        const a = await runAgent({
          dir: o.dir,
          model: o.model,
          firmware: o.firmware,
          healthIntervalS: o.healthInterval,
          rebootCommand: o.rebootCommand,
          logger: { info: log('info'), warn: log('warn') },
          guards,
          guardPolicy,
          access: accessFromFlags(o),
          settingsFile: o.settingsFile,
          settingsCommand: settingsCommandFromFlags(o),
          filesRoot: o.filesRoot,
          updates: updatesFromFlags(o),
          flowsIntervalS: o.flowsInterval,
          onCertificateExpired: (notAfter) => {
            console.error(
              `outpost agent: the device certificate expired at ${notAfter.toISOString()} and the hub refuses it ` +
                `(certificate_expired). Enroll this device again with a fresh enrollment token: ` +
                `outpost agent enroll --hub <url> --token <oet_…> --ca-fingerprint <sha256> --id <this device id> --dir ${o.dir}`,
            );
            process.exit(3);
          },
        });
        const stop = async () => {
          await a.stop({ clean: true });
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      },
    );
}

/** A local guard policy file: the same fields an operator sets on the hub (`outpost guard policy set`). */
function readGuardPolicy(file: string): GuardPolicy {
  const r = compileValidator(GuardPolicyInput).parse(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(`${file}: ${r.message}`);
  return { ...r.value, version: 0 };
}
