import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { DeviceScope } from '../devices/index.js';
import type { HubContext } from '../hub-context.js';
import type { StreamsReader } from '../streams/index.js';
import type { OpcUaServer } from './opcua/opcua-server.js';
import { createScadaWrites, type CommandsPort } from './scada-writes.js';
import { createSharedPoints } from './shared-points.js';
import type { SparkplugEdgeNode } from './sparkplug/edge-node.js';

const WRITE_TIMEOUT_S = 10;
const HEALTH_EVERY_MS = 10_000;

/** Process data shared with SCADA, outbound only: a Sparkplug B edge node and an OPC UA server, both off unless configured. */
export const sharingModule = defineModule({
  name: 'sharing',
  migrations: {},
  events: { emits: [], consumes: [] },
  create(
    d: Pick<HubContext, 'clock' | 'logger' | 'config'> & {
      streams: StreamsReader;
      commands: CommandsPort;
      /** Every device: the hub's own scope for SCADA writes (SCADA users are not Outpost users). */
      scope: DeviceScope;
      isOnline(deviceId: string): boolean;
      /** The folder a device sits in on the OPC UA server: its site tag, else its first group, else `devices`. */
      siteOf(deviceId: string): Promise<string>;
      healthOf(deviceIds: string[]): Promise<Map<string, string>>;
      audit: AuditLog;
    },
  ) {
    const sp = d.config.sparkplug?.enabled ? d.config.sparkplug : null;
    const ua = d.config.opcua?.enabled ? d.config.opcua : null;
    const log = d.logger.child({ domain: 'sharing' });
    const points = createSharedPoints({ streams: d.streams, isOnline: d.isOnline, logger: log });
    const writes = createScadaWrites({
      streams: d.streams,
      commands: d.commands,
      scope: d.scope,
      isOnline: d.isOnline,
      audit: d.audit,
      timeoutS: WRITE_TIMEOUT_S,
    });
    let edge: SparkplugEdgeNode | null = null;
    let opcua: OpcUaServer | null = null;
    let unsubscribe: (() => void) | null = null;
    // Starting is asynchronous (loading the points, mqtt and sparkplug-payload, node-opcua: each
    // only when enabled); stop waits for it.
    let started: Promise<void> | null = null;

    async function start(): Promise<void> {
      await points.load();
      unsubscribe = d.streams.onValues(
        (id, values) =>
          void points.onValues(id, values).catch((err: unknown) => log.warn({ err, id }, 'sharing: values not taken')),
      );
      if (sp) {
        const { createSparkplugEdgeNode } = await import('./sparkplug/edge-node.js');
        edge = createSparkplugEdgeNode({ config: sp, points, clock: d.clock, logger: log, dataDir: d.config.dataDir });
        edge.start();
      }
      if (ua) {
        const { startOpcUaServer } = await import('./opcua/opcua-server.js');
        opcua = await startOpcUaServer({
          config: ua,
          host: ua.host ?? d.config.bind,
          dataDir: d.config.dataDir,
          points,
          streams: d.streams,
          rules: { staleFactor: ua.staleFactor ?? 3, defaultIntervalMs: 60_000 },
          nowMs: () => d.clock.now().getTime(),
          siteOf: d.siteOf,
          write: writes.write,
          logger: log,
        });
      }
    }

    if (sp || ua)
      started = start().catch((err: unknown) => {
        log.error({ err }, 'sharing with SCADA did not start');
      });

    async function refreshHealth(): Promise<void> {
      if (!opcua) return;
      const ids = opcua.deviceIds();
      for (let i = 0; i < ids.length; i += 500) {
        const verdicts = await d.healthOf(ids.slice(i, i + 500));
        for (const [id, state] of verdicts) opcua.setHealth(id, state);
      }
    }

    return {
      api: {
        sharing: {
          /** Resolves once the enabled outputs are up (or failed to start). */
          ready: async () => void (await started),
          points,
          writes,
          sparkplug: () => edge?.status() ?? null,
          opcua: () =>
            opcua
              ? {
                  endpointUrl: opcua.endpointUrl,
                  port: opcua.port,
                  trustedCertsDir: opcua.trustedCertsDir,
                  ...opcua.stats(),
                }
              : null,
        },
      },
      parts: {
        jobs:
          sp || ua
            ? [
                { name: 'sharing.status', everyMs: 1000, run: async () => opcua?.tick() },
                { name: 'sharing.health', everyMs: HEALTH_EVERY_MS, run: refreshHealth },
              ]
            : [],
        onDeviceReady: (id) => {
          points.setOnline(id, true);
          // The agent sends its definitions again with its first batch; ask for them then too.
          void points.refreshDefinitions(id).catch(() => {});
        },
        onDeviceOffline: (id) => points.setOnline(id, false),
        async stop() {
          await started;
          unsubscribe?.();
          await edge?.stop();
          await opcua?.stop();
        },
      },
    };
  },
});
