import { DNP3_IIN_BITS } from '@outpost/protocol';
import type { GuardRequest, GuardResponse } from '../shared/guard.types.js';
import type { GuardPolicy } from './policy.types.js';
import type { GuardMemory, PendingRead } from './guard.memory.js';

// Replies: the values a read returned (for value rules that depend on the last value read) and
// the replies the policy's response rules name.

/** Whether the policy needs the values reads return (value rules: step, mask writes; states derived from values). */
export const remembersValues = (policy: GuardPolicy) =>
  (policy.values !== undefined && policy.values.length > 0) ||
  (policy.states?.some((s) => s.from === 'value') ?? false);

const READS_WITH_VALUES = new Set([1, 2, 3, 4, 23]);

/** The addresses a Modbus request reads, whose reply's values rules could need. */
export function valueRead(req: GuardRequest): PendingRead | undefined {
  if (req.protocol !== 'modbus' || req.transactionId === undefined) return undefined;
  if (!READS_WITH_VALUES.has(req.fc)) return undefined;
  const r = req.ranges[0];
  return r && r.access === 'read' ? { unit: req.unit, table: r.table, start: r.start, count: r.count } : undefined;
}

// Values in a read reply, straight into the memory: byte count then packed bits (FC 1, 2) or
// big-endian words (FC 3, 4, 23). A reply whose length does not fit its request records nothing.
function rememberValues(pdu: Uint8Array, read: PendingRead, memory: GuardMemory): void {
  const bytes = pdu[1];
  const bits = read.table === 'coil' || read.table === 'discrete';
  if (pdu.length !== bytes + 2 || bytes !== (bits ? Math.ceil(read.count / 8) : read.count * 2)) return;
  for (let i = 0; i < read.count; i++) {
    const v = bits ? (pdu[2 + (i >> 3)] >> (i & 7)) & 1 : (pdu[2 + 2 * i] << 8) | pdu[3 + 2 * i];
    memory.rememberValue(read.unit, read.table, read.start + i, v);
  }
}

/**
 * Records the values a reply carries: a Modbus read reply's, paired with its request by
 * transaction id; a DNP3 response's (solicited or not), which name their point indices.
 */
export function rememberReply(resp: GuardResponse, master: string, memory: GuardMemory): void {
  if (resp.protocol === 'dnp3') {
    // Policies name addresses up to 0xffff; values of higher indices are of no rule's concern.
    for (const p of resp.points ?? [])
      if (p.value !== undefined && p.index <= 0xffff) memory.rememberValue(resp.unit, p.table, p.index, p.value);
    return;
  }
  if (resp.transactionId === undefined) return;
  const read = memory.takeRead(master, resp.transactionId);
  if (!read || read.unit !== resp.unit || resp.exceptionCode !== undefined || !resp.pdu) return;
  rememberValues(resp.pdu, read, memory);
}

/** What the response rules flag in a reply: the exception code, or the names of the IIN bits set. */
export function flaggedResponse(
  resp: GuardResponse,
  policy: GuardPolicy,
): { exceptionCode?: number; iin?: string[] } | undefined {
  const rules = policy.responses;
  if (!rules) return undefined;
  if (resp.exceptionCode !== undefined && rules.modbusExceptions?.includes(resp.exceptionCode))
    return { exceptionCode: resp.exceptionCode };
  if (resp.iin === undefined || !rules.dnp3Iin) return undefined;
  const iin = resp.iin;
  const set = rules.dnp3Iin.filter((name) => (iin & DNP3_IIN_BITS[name]) !== 0);
  return set.length ? { iin: set } : undefined;
}
