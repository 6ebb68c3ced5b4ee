export { createUpdatesFeature, type UpdatesFeatureOptions } from './updates.feature.js';
export { createAbInstaller } from './ab.installer.js';
export { createScriptInstaller, type ScriptInstallerOptions } from './script.installer.js';
export type { Installer, ImageSource, BootOutcome, AgentReleases, AgentSelfUpdate } from './installer.port.js';
export { fileSink, hashOnlySink, type DownloadSink } from './download-sink.js';
export type { RunUpdatesOptions } from './run-updates.js';
export { createAgentSelfUpdate } from './agent-self-update.js';
export {
  launchDecision,
  readAgentUpdate,
  writeAgentUpdate,
  type AgentUpdateRecord,
  type LaunchDecision,
} from './agent-update-record.js';
