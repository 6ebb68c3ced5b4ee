import type { GuardValueRule } from '@outpost/protocol';
import type { AddressRange, CrobCommand, GuardRequest, RegisterTable } from '../shared/guard.types.js';
import { ModbusException } from '../modbus/modbus.types.js';
import type { GuardPolicy } from './policy.types.js';
import type { GuardMemoryView } from './guard.memory.js';
import type { Violation } from './policy-rules.checks.js';

// Value rules on written coils and holding registers: Modbus writes, and the CROBs (coils) and
// analog output blocks (holding registers) of DNP3 SELECT / OPERATE / DIRECT_OPERATE.

// The value a Mask Write Register (FC 22) leaves: (current AND and) OR (or AND NOT and), §6.16.
const masked = (current: number, and: number, or: number) => ((current & and) | (or & ~and)) & 0xffff;

interface Written {
  value?: number;
  crob?: CrobCommand;
}

/**
 * The value last read from a point. A DNP3 analog output's is the analog output status (g40,
 * held as a holding register) and, before any g40 was read, the analog input (g30) at the same
 * index; a CROB's is the binary output status (g10).
 */
export function lastValueOf(
  req: GuardRequest,
  table: RegisterTable,
  address: number,
  memory: GuardMemoryView | undefined,
): number | undefined {
  const last = memory?.lastValue(req.unit, table, address);
  if (last !== undefined || req.protocol !== 'dnp3' || table !== 'holding') return last;
  return memory?.lastValue(req.unit, 'input', address);
}

/** What the request writes at `address`, or an empty answer when it does not say. */
export function writtenAt(
  req: GuardRequest,
  range: AddressRange,
  address: number,
  memory: GuardMemoryView | undefined,
): Written {
  if (req.protocol === 'dnp3') {
    const p = req.points?.find((x) => x.table === range.table && x.index === address);
    return p ? { ...(p.value !== undefined ? { value: p.value } : {}), ...(p.crob ? { crob: p.crob } : {}) } : {};
  }
  const values = req.values;
  if (!values) return {};
  if (req.fc === 22) {
    const current = memory?.lastValue(req.unit, range.table, address);
    return current === undefined ? {} : { value: masked(current, values[0], values[1]) };
  }
  return values.length === range.count ? { value: values[address - range.start] } : {};
}

const limitsValue = (r: GuardValueRule) =>
  r.min !== undefined || r.max !== undefined || r.allowed !== undefined || r.maxStep !== undefined;
const limitsCrob = (r: GuardValueRule) =>
  r.crobCodes !== undefined || r.maxCount !== undefined || r.maxOnMs !== undefined || r.maxOffMs !== undefined;

function crobProblem(rule: GuardValueRule, c: CrobCommand, where: string): string | undefined {
  if (rule.crobCodes && !rule.crobCodes.includes(c.name)) return `crob_code_not_allowed:${c.name}:${where}`;
  if (rule.maxCount !== undefined && c.count > rule.maxCount) return `crob_count_above_max:${where}`;
  if (rule.maxOnMs !== undefined && c.onMs > rule.maxOnMs) return `crob_on_time_above_max:${where}`;
  if (rule.maxOffMs !== undefined && c.offMs > rule.maxOffMs) return `crob_off_time_above_max:${where}`;
  return undefined;
}

function valueProblem(
  rule: GuardValueRule,
  value: number,
  last: number | undefined,
  where: string,
): string | undefined {
  if (rule.min !== undefined && value < rule.min) return `value_below_min:${where}`;
  if (rule.max !== undefined && value > rule.max) return `value_above_max:${where}`;
  if (rule.allowed && !rule.allowed.includes(value)) return `value_not_allowed:${where}`;
  if (rule.maxStep === undefined) return undefined;
  // Without a value read before, the step cannot be known: refused, the master reads first.
  if (last === undefined) return `value_step_unknown:${where}`;
  return Math.abs(value - last) > rule.maxStep ? `value_step_too_large:${where}` : undefined;
}

// The CROB limits bind only CROBs (a Modbus coil write carries none); a CROB limit on a point a
// DNP3 request writes with something other than a CROB (g12v2 pattern) is refused as unknown.
function problemAt(
  rule: GuardValueRule,
  req: GuardRequest,
  range: AddressRange,
  a: number,
  memory: GuardMemoryView | undefined,
): string | undefined {
  const where = `${range.table}:${a}`;
  const w = writtenAt(req, range, a, memory);
  if (limitsCrob(rule) && req.protocol === 'dnp3') {
    if (!w.crob) return `value_unknown:${where}`;
    const bad = crobProblem(rule, w.crob, where);
    if (bad) return bad;
  }
  if (!limitsValue(rule)) return undefined;
  if (w.value === undefined) return `value_unknown:${where}`;
  return valueProblem(rule, w.value, lastValueOf(req, range.table, a, memory), where);
}

// SELECT, OPERATE, DIRECT_OPERATE, DIRECT_OPERATE_NR (IEEE 1815-2012 §4.4.3-4.4.6).
const isDnp3Command = (fc: number) => fc >= 3 && fc <= 6;

/**
 * Value rules on written coils and holding registers. A value the guard cannot know (a DNP3
 * output object it does not decode, a CROB with a NUL operation, a mask write to a register never
 * read) is refused wherever a rule covers the address.
 */
export function checkValues(
  req: GuardRequest,
  policy: GuardPolicy,
  memory: GuardMemoryView | undefined,
  out: Violation[],
): void {
  const rules = policy.values;
  if (!rules) return;
  // A DNP3 command whose objects the guard could not walk may set any point to any value.
  if (req.protocol === 'dnp3' && isDnp3Command(req.fc) && req.unattributed?.length) {
    out.push({ code: `value_unknown:${req.unattributed[0]}`, exception: ModbusException.IllegalDataValue });
    return;
  }
  for (const range of req.ranges) {
    if (range.access !== 'write') continue;
    const end = range.start + range.count - 1;
    for (const rule of rules) {
      if (rule.table !== range.table || rule.end < range.start || rule.start > end) continue;
      if (rule.units && !rule.units.includes(req.unit)) continue;
      for (let a = Math.max(rule.start, range.start); a <= Math.min(rule.end, end); a++) {
        const problem = problemAt(rule, req, range, a, memory);
        if (problem) {
          out.push({ code: problem, exception: ModbusException.IllegalDataValue });
          return;
        }
      }
    }
  }
}
