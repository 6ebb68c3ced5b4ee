import type { Decision, SessionContext } from '../policy/policy.types.js';
import type { MmsGuard } from './mms.guard.js';
import { mmsClientUnit } from './mms-request.js';
import type { CotpItem } from './tpkt.reassembler.js';

/**
 * What the live MMS guard (agent mms-guard.handler.ts) does with one client COTP item, as a
 * decision for a capture row: a confirmed request is decided by the same MmsGuard; a PDU that
 * cannot be framed or decoded is blocked in enforce mode (the live guard closes the connection);
 * connection and association PDUs have no decision.
 */
export function mmsDecision(guard: MmsGuard, item: CotpItem, ctx: SessionContext): Decision | undefined {
  const unit = mmsClientUnit(item);
  if (unit.kind === 'session') return undefined;
  if (unit.kind === 'request') return guard.inspect(unit.request, ctx).decision;
  const reason = `malformed:${unit.reason}`;
  const mode = guard.policy.mode;
  const action = mode === 'enforce' ? 'block' : mode === 'alert' ? 'alert' : 'allow';
  return { action, reason, violations: [reason] };
}
