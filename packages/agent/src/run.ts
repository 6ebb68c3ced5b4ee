import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { AGENT_VERSION, createAgent, type Agent } from './core/agent.core.js';
import { realClock, type AgentLogger } from './core/ports.js';
import { createMqttTransportFactory } from './adapters/mqtt.transport.js';
import { createFileQueue } from './adapters/file.queue.js';
import { createLinuxSystem } from './adapters/linux.system.js';
import { loadIdentity, saveRenewedCredentials, saveTrustBundle } from './identity/identity.store.js';
import { createTrustBundleFeature } from './trust/trust-bundle.feature.js';
import { createCertRenewalFeature } from './renewal/cert-renewal.feature.js';
import { DEFAULT_RENEWAL_POLICY, type RenewalPolicy } from './renewal/renewal-schedule.js';
import type { GuardPolicy } from '@outpost/guard';
import { createGuardFeature } from './ot-guard/guard.feature.js';
import { createSubstationMonitorFeature } from './ot-guard/substation-monitor.feature.js';
import { createFileGuardState } from './ot-guard/guard-state.store.js';
import type { GuardSpec } from './ot-guard/guard-spec.js';
import type { AgentFeature } from './core/feature.js';
import { createSettingsFeature } from './settings/settings.feature.js';
import { createJsonFileSettingsStore } from './settings/json-file.settings-store.js';
import { createCommandSettingsStore } from './settings/command.settings-store.js';
import { createAccessFeature, type AccessFeatureOptions } from './access/access.feature.js';
import { createFlowsFeature } from './flows/flows.feature.js';
import { createLinuxFlowSource } from './flows/linux-flow.source.js';
import { createLinuxCellularFeature } from './cellular/linux-cellular.js';
import { createRunUpdates, type RunUpdatesOptions } from './updates/run-updates.js';
import { createFilesFeature, type DeclaredRoot } from './files/index.js';
import type { DiagnosticSpec } from './diagnostics/diag-spec.js';
import { createDiagnosticsFeature } from './diagnostics/diagnostics.feature.js';
import { createDataFeature } from './process-data/data.feature.js';
import { dataSourcesLoader, guardRouteFor } from './process-data/data-wiring.js';
import { createBrokerMoveFeature } from './broker-move/broker-move.feature.js';
import { createBrokerStateFile } from './broker-move/broker-state.store.js';

export interface RunOptions {
  dir: string;
  model: string;
  firmware: string;
  healthIntervalS: number;
  rebootCommand?: string[];
  mqttUrl?: string;
  logger: AgentLogger;
  /** Inline OT guards to run (`--guard`), and the policy they use until the hub sends one. */
  guards?: GuardSpec[];
  guardPolicy?: GuardPolicy;
  /** Passive IEC 61850 monitor: where a capture tool's pcap arrives (`-` for stdin, or a FIFO/file path). */
  iec61850Capture?: string;
  /** The device's settings JSON file the hub's templates manage (default `<dir>/settings.json`), and where template files land (default `<dir>/files`). */
  settingsFile?: string;
  filesRoot?: string;
  /** Settings kept by the device's own tooling instead of a JSON file: `read` prints the tree as JSON, `write` takes the changes on stdin. */
  settingsCommand?: { read: string[]; write: string[] };
  /** Remote access: what this device offers (local TCP ports, named hosts, console, serial ports); false turns it off. */
  access?: Omit<AccessFeatureOptions, 'tls'> | false;
  /** Seconds between traffic reports (`flows`: /proc/net counters per interface and protocol/port); 0 turns them off. Default 60. */
  flowsIntervalS?: number;
  /** Seconds between cellular reports (modems through mmcli, data counters, gpsd position); 0 turns them off. Default 300. */
  cellularIntervalS?: number;
  /** gpsd's address (default 127.0.0.1:2947); false: no position. */
  gpsd?: { host: string; port: number } | false;
  /** Secure updates: which installer lands images (simulated A/B, or a script handing them to RAUC/SWUpdate/a vendor tool); false turns updates off. */
  updates?: RunUpdatesOptions | false;
  /** Named diagnostics the hub may run (`--diag`): fixed argv, an optional validated parameter, time and output limits. */
  diagnostics?: DiagnosticSpec[];
  /** Certificate renewal: share of the lifetime after which the device renews (default 2/3) and the jitter share (default 0.1). */
  renewal?: Partial<RenewalPolicy>;
  /** Directories the hub may browse and transfer files in (`--files`), and the largest file moved. */
  fileRoots?: DeclaredRoot[];
  fileMaxBytes?: number;
  /** Process data: the data sources file (the `data.sources` setting of a configuration template replaces its list). */
  dataSources?: string;
  /** Where the installed launcher keeps the agent's versions (`<prefix>/lib/outpost-agent`): turns self-update on. */
  agentLib?: string;
  /** Ends the process after a self-update switched versions, so the service manager starts the launcher again. */
  onRestart?(): void;
  /** The certificate lapsed before it could be renewed; by default the agent stops (it needs a new enrollment). */
  onCertificateExpired?(notAfter: Date): void;
}

/** Runs the agent on this machine with its enrolled identity. */
export async function runAgent(o: RunOptions): Promise<Agent> {
  const id = await loadIdentity(o.dir);
  if (!id)
    throw new Error(
      `no identity in ${o.dir}: enroll this device first (enroll --hub URL --token T --ca-fingerprint F)`,
    );
  const guard = o.guards?.length
    ? createGuardFeature({
        guards: o.guards,
        localPolicy: o.guardPolicy,
        state: createFileGuardState(join(o.dir, 'guard')),
        trustedKeyPem: id.guardKeyPem,
      })
    : undefined;
  const features: AgentFeature[] = guard ? [guard] : [];
  if (o.iec61850Capture) {
    const input = o.iec61850Capture === '-' ? process.stdin : createReadStream(o.iec61850Capture);
    features.push(createSubstationMonitorFeature({ input }));
  }
  // One object every feature that dials the hub reads at dial time; a renewal replaces its fields.
  const tls = { keyPem: id.privateKeyPem, certPem: id.certPem, caPem: id.caPem };
  const local = { stateFile: join(o.dir, 'settings-state.json'), filesRoot: o.filesRoot ?? join(o.dir, 'files') };
  const settingsStore = o.settingsCommand
    ? createCommandSettingsStore({
        ...local,
        readCommand: o.settingsCommand.read,
        writeCommand: o.settingsCommand.write,
      })
    : createJsonFileSettingsStore({ ...local, file: o.settingsFile ?? join(o.dir, 'settings.json') });
  features.push(createSettingsFeature({ store: settingsStore, checkIntervalMs: 15_000 }));
  if (o.dataSources)
    features.push(
      createDataFeature({
        load: dataSourcesLoader(o.dataSources, settingsStore),
        queueDir: join(o.dir, 'data'),
        guardRoute: guard ? guardRouteFor(guard) : undefined,
        guardsReady: guard ? () => guard.ready() : undefined,
        watchGuard: guard ? (l) => guard.watch((e) => l(e)) : undefined,
      }),
    );
  if (o.flowsIntervalS !== 0)
    features.push(createFlowsFeature({ source: createLinuxFlowSource(), intervalS: o.flowsIntervalS ?? 60 }));
  let signalDbm: number | undefined;
  if (o.cellularIntervalS !== 0)
    features.push(
      createLinuxCellularFeature({
        stateFile: join(o.dir, 'cellular-counters.json'),
        intervalS: o.cellularIntervalS ?? 300,
        clock: realClock,
        logger: o.logger,
        gpsd: o.gpsd,
        onSignal: (dbm) => (signalDbm = dbm),
      }),
    );
  // Always present, so a diagnostic the owner did not declare is refused by name rather than unknown.
  features.push(createDiagnosticsFeature(o.diagnostics ?? []));
  if (o.access !== false) features.push(createAccessFeature({ ...o.access, tls }));
  if (o.fileRoots?.length) features.push(createFilesFeature({ roots: o.fileRoots, tls, maxBytes: o.fileMaxBytes }));
  const linux = createLinuxSystem({ model: o.model, firmware: o.firmware, rebootCommand: o.rebootCommand });
  // Health samples carry the modem's signal, so the health model's signal rules judge real gateways too.
  const baseSystem: typeof linux = {
    ...linux,
    metrics: () => {
      const m = linux.metrics();
      return signalDbm === undefined ? m : { ...m, signalDbm };
    },
  };
  // Late-bound: the updates feature reboots through the agent, which exists only below.
  let agentRef: Agent | null = null;
  const updates =
    o.updates === false
      ? null
      : createRunUpdates({
          dir: o.dir,
          identity: id,
          model: o.model,
          firmware: o.firmware,
          options: o.updates ?? {},
          tls,
          reboot: async () => {
            await agentRef?.stop({ clean: true });
            await baseSystem.reboot();
          },
          self: o.agentLib
            ? {
                lib: o.agentLib,
                version: AGENT_VERSION,
                restart: async () => {
                  await agentRef?.stop({ clean: true });
                  o.onRestart?.();
                },
              }
            : undefined,
        });
  if (updates) features.push(updates.feature);
  // A broker move the hub signed replaces the enrolled broker (broker.json); --mqtt-url overrides both.
  const brokerState = createBrokerStateFile(o.dir);
  const moved = await brokerState.load();
  const transport = createMqttTransportFactory({
    url: o.mqttUrl ?? moved.url ?? id.mqttUrl,
    deviceId: id.deviceId,
    keyPem: id.privateKeyPem,
    certPem: id.certPem,
    caPem: !o.mqttUrl && moved.url && moved.caPem ? moved.caPem : id.caPem,
  });
  features.push(
    createBrokerMoveFeature({
      trustedKeyPem: id.guardKeyPem,
      state: brokerState,
      transportTo: (url, caPem) => transport.toBroker(url, caPem),
      tryLink: (make, ms) => agentRef?.tryLink(make, ms) ?? Promise.resolve({ ok: false, reason: 'agent not started' }),
      usePrimary: (url, caPem) => transport.useBroker(url, caPem),
    }),
  );
  const renewal = createCertRenewalFeature({
    caPem: id.caPem,
    certPem: id.certPem,
    policy: { ...DEFAULT_RENEWAL_POLICY, ...o.renewal },
    store: (c) => saveRenewedCredentials(o.dir, c),
    switchTo: async (c) => {
      tls.keyPem = c.privateKeyPem;
      tls.certPem = c.certPem;
      transport.useCredentials({ keyPem: c.privateKeyPem, certPem: c.certPem });
      await agentRef?.reconnect();
    },
    onExpired: (notAfter) =>
      o.onCertificateExpired ? o.onCertificateExpired(notAfter) : void agentRef?.stop({ clean: false }),
  });
  // A CA rotation: the hub's trust bundle replaces ca.crt, then the device renews onto the new CA.
  const trust = createTrustBundleFeature({
    caPem: id.caPem,
    certPem: () => tls.certPem,
    store: (pem) => saveTrustBundle(o.dir, pem),
    apply: (pem) => {
      tls.caPem = pem;
      transport.useTrust(pem);
      renewal.setTrust(pem);
    },
    renewSoon: (ms) => renewal.renewSoon(ms),
  });
  features.push(renewal, trust);
  const agent = createAgent({
    deviceId: id.deviceId,
    transport,
    queue: createFileQueue(join(o.dir, 'queue')),
    system: updates ? updates.system(baseSystem) : baseSystem,
    clock: realClock,
    logger: o.logger,
    healthIntervalS: o.healthIntervalS,
    backoff: { baseMs: 1000, capMs: 60_000 },
    features,
  });
  agentRef = agent;
  agent.start();
  return agent;
}
