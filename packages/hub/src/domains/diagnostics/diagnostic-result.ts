import type { CommandRecord } from '@outpost/protocol';
import type { DiagnosticResult } from './index.js';

const AGENT_STATUSES = new Set(['ok', 'failed', 'timeout']);
/** Refusals: the agent would not run it (not declared, bad parameter, busy) or does not know diagnostics. */
const REFUSAL = /^(diag_[a-z_]+|unknown_command)$/;

/** A device's answer to `diag-run`, as the command ended, in the result's terms. */
export function toDiagnosticResult(rec: CommandRecord, name: string, waitedMs: number): DiagnosticResult {
  const base = { deviceId: rec.deviceId, name, stdout: '', stderr: '', truncated: false, durationMs: waitedMs };
  if (rec.state === 'succeeded') {
    const r = (rec.result ?? {}) as Record<string, unknown>;
    const status = typeof r.status === 'string' && AGENT_STATUSES.has(r.status) ? r.status : null;
    if (!status) return { ...base, status: 'failed', reason: 'bad_answer' };
    return {
      ...base,
      status: status as DiagnosticResult['status'],
      ...(typeof r.exitCode === 'number' ? { exitCode: r.exitCode } : {}),
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: typeof r.stderr === 'string' ? r.stderr : '',
      truncated: r.truncated === true,
      durationMs: typeof r.durationMs === 'number' ? Math.round(r.durationMs) : waitedMs,
      ...(typeof r.reason === 'string' ? { reason: r.reason.slice(0, 300) } : {}),
    };
  }
  if (rec.state === 'failed') {
    // Agents lead the message with the stable code: "diag_not_declared: …".
    const text = rec.error ?? '';
    const code =
      /^([a-z_]{1,64}): /.exec(text)?.[1] ?? (/does not know/.test(text) ? 'unknown_command' : 'command_failed');
    return { ...base, status: REFUSAL.test(code) ? 'refused' : 'failed', reason: code, stderr: text.slice(0, 1024) };
  }
  return { ...base, status: 'timeout', reason: 'no_answer' };
}
