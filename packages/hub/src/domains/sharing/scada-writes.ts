import { DATA_WRITE_COMMAND, type CommandRecord, type DataWriteArgs } from '@outpost/protocol';
import type { Actor, AuditLog } from '../audit/index.js';
import type { DeviceScope } from '../devices/index.js';
import type { StreamsReader } from '../streams/index.js';

// A write from SCADA to one device point. Refused here unless the point is declared writable by
// its agent and writes to it are enabled on the hub, and unless the SCADA user may write; then it
// travels as the `data.write` command, where the device's guard policy and write grants decide.
// The answer is the command's: Good, or Bad with the device's reason. Every write is audited with
// the SCADA user who made it.

export type WriteStatus =
  | 'Good'
  | 'BadNodeIdUnknown'
  | 'BadNotWritable'
  | 'BadUserAccessDenied'
  | 'BadTypeMismatch'
  | 'BadNoCommunication'
  | 'BadTimeout'
  | 'BadDeviceFailure';

export interface WriteOutcome {
  status: WriteStatus;
  reason?: string;
  commandId?: string;
}

/** The part of the commands domain a SCADA write uses. */
export interface CommandsPort {
  send(
    actor: Actor,
    scope: DeviceScope,
    target: { deviceId: string },
    input: { name: string; args: Record<string, unknown>; timeoutS: number },
  ): Promise<{ commands: Array<{ id: string }> }>;
  waitFor(scope: DeviceScope, id: string, ms: number): Promise<CommandRecord>;
}

export interface ScadaWrite {
  /** Who wrote, as the SCADA interface knows them (`opcua:<user>`). */
  user: string;
  canWrite: boolean;
  deviceId: string;
  point: string;
  value: number | boolean | string;
  /** Where the write came from, for the audit record. */
  via: 'opcua';
}

// The agent's refusals of `data.write` lead their message with a stable code (`code: text`).
const BY_CODE: Record<string, WriteStatus> = {
  blocked_by_guard: 'BadUserAccessDenied',
  point_not_writable: 'BadNotWritable',
  unknown_point: 'BadNodeIdUnknown',
  value_wrong_type: 'BadTypeMismatch',
  value_not_writable_type: 'BadNotWritable',
  device_unreachable: 'BadNoCommunication',
};

/**
 * A device's answer → the status SCADA sees: by the refusal's code where the agent gave one; a
 * guard or grant refusal in the words of an older agent is an access refusal too.
 */
export function statusOfFailure(message: string | null): WriteStatus {
  const code = /^([a-z][a-z0-9_]{0,63}): /.exec(message ?? '')?.[1];
  const known = code ? BY_CODE[code] : undefined;
  if (known) return known;
  return /denied|grant|policy|not allowed|forbidden|refus/i.test(message ?? '')
    ? 'BadUserAccessDenied'
    : 'BadDeviceFailure';
}

export function createScadaWrites(d: {
  streams: Pick<StreamsReader, 'definitions'>;
  commands: CommandsPort;
  scope: DeviceScope;
  isOnline(deviceId: string): boolean;
  audit: AuditLog;
  timeoutS: number;
}) {
  async function decide(w: ScadaWrite, actor: Actor): Promise<WriteOutcome> {
    const def = (await d.streams.definitions(w.deviceId)).find((x) => x.point === w.point);
    if (!def) return { status: 'BadNodeIdUnknown', reason: 'no such point' };
    if (!def.writable) return { status: 'BadNotWritable', reason: 'the agent does not declare the point writable' };
    if (!def.writesEnabled)
      return { status: 'BadNotWritable', reason: 'writes to the point are not enabled on the hub' };
    if (!w.canWrite) return { status: 'BadUserAccessDenied', reason: 'the user may not write' };
    if (typeof w.value !== def.type) return { status: 'BadTypeMismatch', reason: `the point holds a ${def.type}` };
    if (!d.isOnline(w.deviceId)) return { status: 'BadNoCommunication', reason: 'the device is not connected' };
    const args: DataWriteArgs = { p: w.point, v: w.value };
    const sent = await d.commands.send(
      actor,
      d.scope,
      { deviceId: w.deviceId },
      { name: DATA_WRITE_COMMAND, args, timeoutS: d.timeoutS },
    );
    const id = sent.commands[0]!.id;
    const done = await d.commands.waitFor(d.scope, id, d.timeoutS * 1000 + 500);
    if (done.state === 'succeeded') return { status: 'Good', commandId: id };
    if (done.state === 'failed')
      return { status: statusOfFailure(done.error), reason: done.error ?? 'failed', commandId: id };
    return { status: 'BadTimeout', reason: `the device did not answer (${done.state})`, commandId: id };
  }

  return {
    async write(w: ScadaWrite): Promise<WriteOutcome> {
      const actor: Actor = { type: 'user', id: `${w.via}:${w.user}` };
      const out: WriteOutcome = await decide(w, actor).catch((err: unknown) => ({
        status: 'BadDeviceFailure' as const,
        reason: err instanceof Error ? err.message.slice(0, 200) : 'failed',
      }));
      await d.audit.record({
        actor,
        action: 'sharing.write',
        target: `device:${w.deviceId}`,
        outcome:
          out.status === 'Good'
            ? 'ok'
            : out.status === 'BadUserAccessDenied' || out.status === 'BadNotWritable'
              ? 'denied'
              : 'failed',
        details: { via: w.via, point: w.point, status: out.status, reason: out.reason, command: out.commandId },
      });
      return out;
    },
  };
}
