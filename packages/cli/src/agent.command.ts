import type { Command } from 'commander';

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
      // Loaded only here: the rest of the command line starts without the agent.
      const { agentMain } = await import('@outpost/agent');
      const result = await agentMain(args, {
        program: 'outpost agent',
        out: (l) => process.stdout.write(`${l}\n`),
        err: (l) => process.stderr.write(`${l}\n`),
      });
      if (typeof result === 'number') process.exit(result);
    });
}
