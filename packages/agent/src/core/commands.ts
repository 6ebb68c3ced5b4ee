import { SCHEMA_VERSION, type CommandRequest, type CommandResult } from '@outpost/protocol';
import type { Clock, SystemPort } from './ports.js';
import type { FeatureContext } from './feature.js';

/** A feature's refusal of a command, answered with its own stable error code. */
export class CommandRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs one hub command on the device and says how it went; never throws. */
export async function runCommand(
  req: CommandRequest,
  ctx: {
    system: SystemPort;
    clock: Clock;
    agentVersion: string;
    deviceId: string;
    /** A handler a feature registered for this command name. */
    extra?: (args: Record<string, unknown>, ctx: FeatureContext) => Promise<unknown>;
    ctx?: FeatureContext;
  },
): Promise<CommandResult> {
  const base = { v: SCHEMA_VERSION, id: req.id } as const;
  if (req.deadline < ctx.clock.now())
    return {
      ...base,
      ok: false,
      error: { code: 'deadline_passed', message: 'the command arrived after its deadline' },
    };
  try {
    if (ctx.extra && ctx.ctx) return { ...base, ok: true, result: await ctx.extra(req.args, ctx.ctx) };
    switch (req.name) {
      case 'ping':
        return { ...base, ok: true, result: { pong: true, ts: ctx.clock.now() } };
      case 'get-info':
        return {
          ...base,
          ok: true,
          result: {
            deviceId: ctx.deviceId,
            agentVersion: ctx.agentVersion,
            ...ctx.system.info(),
            health: ctx.system.metrics(),
          },
        };
      case 'reboot':
        return { ...base, ok: true, result: { rebooting: true } };
      default:
        return {
          ...base,
          ok: false,
          error: { code: 'unknown_command', message: `this agent does not know "${req.name.slice(0, 64)}"` },
        };
    }
  } catch (err) {
    if (err instanceof CommandRefused)
      // The code leads the message too, so it survives where only the message is kept.
      return { ...base, ok: false, error: { code: err.code, message: `${err.code}: ${err.message}`.slice(0, 500) } };
    return {
      ...base,
      ok: false,
      error: { code: 'command_failed', message: String((err as Error).message).slice(0, 500) },
    };
  }
}
