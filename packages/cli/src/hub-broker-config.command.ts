import type { Command } from 'commander';

const list = (v: string, prev: string[] = []) => [...prev, v];

/** `outpost hub broker-config --kind mosquitto --out DIR`: an external broker's configuration for this hub's fleet. */
export function registerHubBrokerConfig(hub: Command) {
  hub
    .command('broker-config')
    .description(
      'write an external MQTT broker configuration (mosquitto.conf, ACL, certificates, revocation list) for the fleet; the hub must be stopped',
    )
    .requiredOption('--kind <kind>', 'broker kind (mosquitto)')
    .requiredOption('--out <dir>', 'directory to write the files to')
    .option('--host <name>', 'name or address devices and hubs reach the broker by (repeatable)', list)
    .option('--device-port <port>', 'devices listener port', (v) => Number(v), 8883)
    .option('--backend-port <port>', 'hub replicas listener port', (v) => Number(v), 8884)
    .option('--bind <addr>', 'address the broker listens on', '0.0.0.0')
    .option('--broker-dir <dir>', 'where the files will be on the broker machine (default: --out)')
    .option('--run-as <user>', 'operating-system user mosquitto drops to')
    .option('--dynsec-plugin <path>', "path of mosquitto's dynamic-security plugin")
    .option('--backend-from <dir>', 'an earlier output directory whose hub client certificate every broker shares')
    .option('--data-dir <dir>', 'data directory (OUTPOST_DATA_DIR)')
    .option('--config <file>', 'JSON config file (OUTPOST_CONFIG)')
    .action(
      async (o: {
        kind: string;
        out: string;
        host?: string[];
        devicePort: number;
        backendPort: number;
        bind: string;
        brokerDir?: string;
        runAs?: string;
        dynsecPlugin?: string;
        backendFrom?: string;
        dataDir?: string;
        config?: string;
      }) => {
        const { loadConfig, writeBrokerConfig } = await import('@outpost/hub');
        const config = loadConfig({ flags: { dataDir: o.dataDir }, env: process.env, file: o.config });
        const r = await writeBrokerConfig({
          config,
          kind: o.kind,
          out: o.out,
          hosts: o.host ?? [config.publicHost],
          devicePort: o.devicePort,
          backendPort: o.backendPort,
          bind: o.bind,
          brokerDir: o.brokerDir,
          runAs: o.runAs,
          dynsecPlugin: o.dynsecPlugin,
          backendFrom: o.backendFrom,
        });
        console.log(`wrote ${r.files.join(', ')} to ${o.out}`);
        console.log(`start it: mosquitto -c ${o.out}/mosquitto.conf; point the hub at it: docs/BROKERS.md`);
      },
    );
}
