import type { Command } from 'commander';
import { agentMain } from '@outpost/agent';

/** `outpost agent …` is the standalone agent's command line (enroll, run, version), word for word. */
export function registerAgentCommands(program: Command) {
  program
    .command('agent')
    .description('the device agent: enroll, run, version ("outpost agent --help")')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => {
      const result = await agentMain(args, {
        program: 'outpost agent',
        out: (l) => process.stdout.write(`${l}\n`),
        err: (l) => process.stderr.write(`${l}\n`),
      });
      if (typeof result === 'number') process.exit(result);
    });
}
