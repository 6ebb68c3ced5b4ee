// The agent's diagnostics: the hub asks for a diagnostic by name (`diag-run`), the agent runs only
// what its owner declared, and answers with exit code, capped output and duration.
import { MAX_PAYLOAD_BYTES } from '@outpost/protocol';
import { CommandRefused } from '../core/commands.js';
import type { AgentFeature } from '../core/feature.js';
import { argvFor, type DiagnosticSpec } from './diag-spec.js';
import { runProcess, type ProcessOutcome } from './diag-process.js';

export const DIAG_COMMAND = 'diag-run';
/** Capability prefix in hello: `diag:<name>` for each declared diagnostic (names only, never commands). */
export const DIAG_CAPABILITY_PREFIX = 'diag:';
/** Room left in a command result for everything but the two outputs. */
const RESULT_BUDGET = MAX_PAYLOAD_BYTES['cmd/res'] - 4 * 1024;
const MAX_CONCURRENT = 4;

export interface DiagnosticAnswer extends ProcessOutcome {
  name: string;
}

/** Runs a declared diagnostic's argv; a simulated device answers from its model instead of a process. */
export type DiagnosticProcessRunner = (argv: string[], spec: DiagnosticSpec) => Promise<ProcessOutcome>;

export function createDiagnosticsFeature(
  specs: DiagnosticSpec[],
  run: DiagnosticProcessRunner = (argv, spec) => runProcess(argv, spec),
): AgentFeature {
  const byName = new Map(specs.map((s) => [s.name, s]));
  let running = 0;
  return {
    name: 'diagnostics',
    capabilities: () => specs.map((s) => `${DIAG_CAPABILITY_PREFIX}${s.name}`),
    commands: {
      [DIAG_COMMAND]: async (args) => {
        const name = typeof args.name === 'string' ? args.name : '';
        const spec = byName.get(name);
        if (!spec)
          throw new CommandRefused(
            'diag_not_declared',
            `no diagnostic "${name.slice(0, 64)}" is declared on this device`,
          );
        const param = args.param;
        if (param !== undefined && typeof param !== 'string')
          throw new CommandRefused('diag_param_invalid', 'the parameter must be a string');
        if (!spec.param && param !== undefined && param !== '')
          throw new CommandRefused('diag_param_not_allowed', `diagnostic "${name}" takes no parameter`);
        if (spec.param && (param === undefined || !spec.param.test(param)))
          throw new CommandRefused('diag_param_invalid', `the parameter does not match ${spec.param.source}`);
        if (running >= MAX_CONCURRENT)
          throw new CommandRefused('diag_busy', `${MAX_CONCURRENT} diagnostics are already running on this device`);
        running++;
        try {
          const outcome = await run(argvFor(spec, param), spec);
          return fitResult({ name, ...outcome });
        } finally {
          running--;
        }
      },
    },
  };
}

/** Keeps the serialized answer under the result cap: escaping can grow output, so trim until it fits. */
export function fitResult(a: DiagnosticAnswer): DiagnosticAnswer {
  let r = a;
  while (Buffer.byteLength(JSON.stringify(r)) > RESULT_BUDGET) {
    r = {
      ...r,
      stdout: r.stdout.slice(0, Math.floor(r.stdout.length / 2)),
      stderr: r.stderr.slice(0, Math.floor(r.stderr.length / 2)),
      truncated: true,
    };
  }
  return r;
}
