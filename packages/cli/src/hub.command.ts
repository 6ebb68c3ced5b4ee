import type { Command } from 'commander';
import type { HubConfig } from '@outpost/hub';
import { registerHubBackupCommands } from './hub-backup.commands.js';
import { registerHubResetPassword } from './hub-reset-password.command.js';
import { registerHubBrokerConfig } from './hub-broker-config.command.js';

/** A port in use says which setting to change, not only EADDRINUSE. */
function explainStartFailure(e: unknown, config: HubConfig): Error {
  const err = e as NodeJS.ErrnoException & { port?: number };
  if (err.code !== 'EADDRINUSE') return err as Error;
  const which =
    err.port === config.mqttPort
      ? `the MQTT port ${config.mqttPort} is in use (a Mosquitto on 8883?); choose another with --mqtt-port or OUTPOST_MQTT_PORT`
      : `the HTTPS port ${err.port ?? config.httpPort} is in use; choose another with --http-port or OUTPOST_HTTP_PORT`;
  return new Error(`${which}. Nothing was set up: the first admin is made once the hub is up`);
}

export function registerHubCommand(program: Command) {
  // Options after `backup` or `restore` (--data-dir) belong to them, not to `hub` itself.
  const hub = program.command('hub').enablePositionalOptions();
  registerHubBackupCommands(hub);
  registerHubResetPassword(hub);
  registerHubBrokerConfig(hub);
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
        const hub = await startHub(config).catch((e: unknown) => {
          throw explainStartFailure(e, config);
        });
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
