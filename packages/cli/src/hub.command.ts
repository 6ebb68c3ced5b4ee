import type { Command } from 'commander';
import type { HubConfig } from '@outpost/hub';
import { registerHubBackupCommands } from './hub-backup.commands.js';

export function registerHubCommand(program: Command) {
  // Options after `backup` or `restore` (--data-dir) belong to them, not to `hub` itself.
  const hub = program.command('hub').enablePositionalOptions();
  registerHubBackupCommands(hub);
  hub
    .description('run the hub (embedded SQLite and MQTT broker)')
    .option('--data-dir <dir>', 'data directory (OUTPOST_DATA_DIR)')
    .option('--http-port <port>', 'HTTPS API port (OUTPOST_HTTP_PORT)', (v) => Number(v))
    .option('--mqtt-port <port>', 'MQTT over TLS port (OUTPOST_MQTT_PORT)', (v) => Number(v))
    .option('--bind <addr>', 'address to listen on (OUTPOST_BIND)')
    .option('--public-host <name>', 'name devices use to reach the hub (OUTPOST_PUBLIC_HOST)')
    .option('--config <file>', 'JSON config file (OUTPOST_CONFIG)')
    .action(
      async (o: {
        dataDir?: string;
        httpPort?: number;
        mqttPort?: number;
        bind?: string;
        publicHost?: string;
        config?: string;
      }) => {
        const flags: Partial<HubConfig> = {
          dataDir: o.dataDir,
          httpPort: o.httpPort,
          mqttPort: o.mqttPort,
          bind: o.bind,
          publicHost: o.publicHost,
        };
        const { loadConfig, startHub } = await import('@outpost/hub');
        const config = loadConfig({ flags, env: process.env, file: o.config });
        const t0 = performance.now();
        const hub = await startHub(config);
        const startedS = (performance.now() - t0) / 1000;
        const lines = [
          `Outpost hub is running.`,
          `  console and API: ${hub.httpUrl}/`,
          `  device broker:   ${hub.mqttUrl}`,
          `  listening since: ${new Date().toISOString()} (started in ${startedS.toFixed(1)} s)`,
          `  CA fingerprint:  ${hub.caFingerprint}`,
        ];
        if (hub.initialAdminPassword)
          lines.push(`  first start: user "admin", password "${hub.initialAdminPassword}" (shown once; change it)`);
        process.stderr.write(lines.join('\n') + '\n');
        const stop = async () => {
          await hub.stop();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      },
    );
}
