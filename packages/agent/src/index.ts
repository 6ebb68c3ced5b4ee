export { createAgent, AGENT_VERSION, type Agent, type AgentOptions } from './core/agent.core.js';
export * from './core/ports.js';
export type { AgentFeature, FeatureContext } from './core/feature.js';
export { createMqttTransportFactory, type MqttTransportFactory } from './adapters/mqtt.transport.js';
export { createFileQueue } from './adapters/file.queue.js';
export { createMemoryQueue } from './adapters/memory.queue.js';
export { createLinuxSystem } from './adapters/linux.system.js';
export { enrollDevice, EnrollError, type EnrollOptions } from './enroll.js';
export { runAgent, type RunOptions } from './run.js';
export * from './ot-guard/index.js';
export { loadIdentity, saveIdentity, saveRenewedCredentials, saveTrustBundle } from './identity/identity.store.js';
export * from './trust/index.js';
export * from './renewal/index.js';
export { createManualClock, type ManualClock } from './core/manual-clock.js';
export { createKeyAndCsr } from './identity/csr.js';
export * from './settings/index.js';
export { createAccessFeature, type AccessFeatureOptions } from './access/access.feature.js';
export type { TerminalEnd, TerminalSize } from './access/target-connector.js';
export * from './flows/index.js';
export * from './cellular/index.js';
export * from './updates/index.js';
export { agentMain, type AgentMainIo } from './command-line/agent-main.js';
export * from './files/index.js';
export { CommandRefused } from './core/commands.js';
export * from './diagnostics/diag-spec.js';
export {
  createDiagnosticsFeature,
  fitResult,
  DIAG_COMMAND,
  DIAG_CAPABILITY_PREFIX,
  type DiagnosticProcessRunner,
} from './diagnostics/diagnostics.feature.js';
export type { ProcessOutcome } from './diagnostics/diag-process.js';
export * from './process-data/index.js';
