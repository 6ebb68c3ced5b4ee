import { Command } from 'commander';
import { registerHubCommand } from './hub.command.js';
import { registerAgentCommands } from './agent.command.js';
import { registerSimCommand } from './sim.command.js';
import { registerOperatorCommands } from './operator.commands.js';
import { registerUsersCommands } from './users.commands.js';
import { registerGuardCommands } from './guard.commands.js';
import { registerConfigsCommands } from './configs.commands.js';
import { registerAccessCommands } from './access.commands.js';
import { registerMfaCommands } from './mfa.commands.js';
import { registerMonitoringCommands } from './monitoring.commands.js';
import { registerUpdatesCommands } from './updates.commands.js';
import { registerViewsCommands } from './views.commands.js';
import { registerSiemCommands } from './siem.commands.js';
import { registerPkiCommands } from './pki.commands.js';
import { registerFilesCommands } from './files.commands.js';
import { registerAutomationsCommands } from './automations.commands.js';
import { registerDiagnosticsCommands } from './diagnostics.commands.js';
import { registerDataCommands } from './data.commands.js';
import { registerGeofencesCommands } from './geofences.commands.js';
import { registerCellularCommands } from './cellular.commands.js';

// Positional options: an option after a subcommand is that subcommand's (`hub backup --data-dir`
// is backup's, not hub's, which has a --data-dir of its own). The root command has no options.
const program = new Command('outpost')
  .description('Outpost: secure mass administration of remote industrial devices')
  .enablePositionalOptions();
registerHubCommand(program);
registerAgentCommands(program);
registerSimCommand(program);
registerOperatorCommands(program);
registerUsersCommands(program);
registerGuardCommands(program);
registerConfigsCommands(program);
registerAccessCommands(program);
registerMfaCommands(program);
registerMonitoringCommands(program);
registerUpdatesCommands(program);
registerViewsCommands(program);
registerSiemCommands(program);
registerPkiCommands(program);
registerFilesCommands(program);
registerAutomationsCommands(program);
registerDiagnosticsCommands(program);
registerDataCommands(program);
registerGeofencesCommands(program);
registerCellularCommands(program);

program.parseAsync(process.argv).catch(async (err: unknown) => {
  const { ApiError } = await import('@outpost/client');
  if (err instanceof ApiError) console.error(`error: ${err.code}: ${err.message}`);
  else console.error((await import('./error-advice.js')).adviceFor(err));
  process.exit(1);
});
