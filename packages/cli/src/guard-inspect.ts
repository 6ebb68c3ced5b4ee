import { readFileSync } from 'node:fs';
import {
  inspectCapture,
  inspectCaptureStream,
  type GuardPolicy,
  type InspectionReport,
  type InspectionRow,
  type InspectionSummary,
} from '@outpost/guard';
import type { GuardPolicyInput } from '@outpost/protocol';

// `outpost guard inspect`: offline analysis of a capture, one line per Modbus ADU, DNP3 link
// frame, MMS PDU or GOOSE message in capture order, optionally with what a policy would have
// done (Modbus and DNP3 only).
//
// `--json` prints JSON lines, one object per line, as the rows are found (nothing is held):
//   {"type":"pdu", ...row}   one per Modbus ADU, DNP3 link frame, MMS PDU (row.mms) or GOOSE
//                            message (row.goose, with its data set), or per run of unframeable
//                            bytes (with count, bytes, lastFrame); rows carry written values,
//                            DNP3 object headers and, with --policy, the decision (an
//                            exception reply as hex)
//   {"type":"summary","format":"pcap","packets":N,"rows":N[,"error":…][,"truncated":true]}  last

// The schema library is loaded only when a policy is given: it is most of the start-up time
// of `guard inspect`.
export async function policyValidator() {
  const { GuardPolicyInput, compileValidator } = await import('@outpost/protocol');
  return compileValidator(GuardPolicyInput);
}

/** A policy file (`{"mode": "enforce", ...}`, the fields of `guard policy set`), checked before use. */
export async function readPolicyFile(file: string): Promise<GuardPolicyInput> {
  const r = (await policyValidator()).parse(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(`${file}: ${r.message}`);
  const { guardPolicyProblem } = await import('@outpost/protocol');
  const problem = guardPolicyProblem(r.value);
  if (problem) throw new Error(`${file}: ${problem.path}: ${problem.message}`);
  return r.value;
}

export interface InspectFlags {
  json?: boolean;
  policy?: string;
  modbusPort?: number[];
  dnp3Port?: number[];
  mmsPort?: number[];
}

async function optionsOf(o: InspectFlags) {
  const policy: GuardPolicy | undefined = o.policy ? { ...(await readPolicyFile(o.policy)), version: 0 } : undefined;
  return { policy, modbusPorts: o.modbusPort, dnp3Ports: o.dnp3Port, mmsPorts: o.mmsPort };
}

/** The table and its summary line, for people. */
export async function inspectOutput(file: string, o: InspectFlags): Promise<string> {
  const opts = await optionsOf(o);
  const report = inspectCapture(readFileSync(file), opts);
  const table = report.rows.length ? formatTable(inspectionTable(report, !!opts.policy)) : '(none)';
  return `${table}\n${inspectionSummary(report)}`;
}

const FLUSH_AT = 64 * 1024;

/**
 * The JSON lines of `--json`, handed to `write` in pieces of about 64 KiB as the rows are
 * found (stdout on Linux writes pipes and files synchronously, so nothing piles up).
 */
export async function inspectJsonLines(file: string, o: InspectFlags, write: (text: string) => void): Promise<void> {
  const opts = await optionsOf(o);
  let buf = '';
  const summary: InspectionSummary = inspectCaptureStream(readFileSync(file), opts, (row) => {
    buf += `${JSON.stringify({ type: 'pdu', ...rowJson(row) })}\n`;
    if (buf.length >= FLUSH_AT) {
      write(buf);
      buf = '';
    }
  });
  write(`${buf}${JSON.stringify({ type: 'summary', ...summary })}\n`);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// GOOSE and MMS rows name objects instead of register ranges.
function iecDetail(r: InspectionRow): string | undefined {
  if (r.goose) return `${r.goose.gocbRef} (${r.goose.numDatSetEntries} values)`;
  const m = r.mms;
  if (!m) return r.iso;
  const what = m.objects ?? m.identifiers ?? (m.scope ? [`scope ${m.scope}`] : []);
  const shown = what.slice(0, 3).join(',') + (what.length > 3 ? `,+${what.length - 3}` : '');
  return [m.service ?? m.pdu, shown].filter(Boolean).join(' ');
}

function ranges(r: InspectionRow): string {
  const iec = iecDetail(r);
  if (iec !== undefined) return iec;
  if (r.ranges.length === 0) return '-';
  const shown = r.ranges
    .slice(0, 3)
    .map((x) => `${x.access === 'write' ? 'w' : 'r'}:${x.table}:${x.start}-${x.start + x.count - 1}`);
  return shown.join(',') + (r.ranges.length > 3 ? `,+${r.ranges.length - 3}` : '');
}

function ids(r: InspectionRow): { txn: string; addr: string } {
  if (r.protocol === 'modbus')
    return {
      txn: r.transactionId === undefined ? '-' : String(r.transactionId),
      addr: r.unit === undefined ? '-' : `unit ${r.unit}`,
    };
  if (r.protocol === 'goose') {
    const g = r.goose;
    return {
      txn: g ? `st ${g.stNum} sq ${g.sqNum}` : '-',
      addr: g ? `appid 0x${g.appId.toString(16).padStart(4, '0')}` : '-',
    };
  }
  if (r.protocol === 'mms') return { txn: r.mms?.invokeId === undefined ? '-' : `inv ${r.mms.invokeId}`, addr: '-' };
  const link = r.linkSource === undefined ? '-' : `${r.linkSource}->${r.linkDestination}`;
  return { txn: r.appSeq === undefined ? '-' : `seq ${r.appSeq}`, addr: link };
}

function decision(r: InspectionRow): string {
  const d = r.decision;
  if (!d) return '';
  const how = d.exceptionCode !== undefined ? ` (exception ${d.exceptionCode})` : d.action === 'block' ? ' (drop)' : '';
  return d.reason ? `${d.action}${how}: ${d.reason}` : d.action;
}

/** Rows as table cells; `withPolicy` adds the decision column. */
export function inspectionTable(report: InspectionReport, withPolicy: boolean): { header: string[]; rows: string[][] } {
  const header = [
    'FRAME',
    'DIR',
    'PROTO',
    'TXN/SEQ',
    'UNIT/LINK',
    'FC',
    'CLASS',
    'RANGES',
    'MALFORMED',
    ...(withPolicy ? ['DECISION'] : []),
  ];
  const rows = report.rows.map((r) => {
    const { txn, addr } = ids(r);
    const fc = r.fc === undefined ? '-' : r.exceptionCode !== undefined ? `${r.fc}!${r.exceptionCode}` : String(r.fc);
    return [
      String(r.frame),
      r.direction === 'request' ? 'req' : 'resp',
      r.protocol,
      txn,
      addr,
      fc,
      r.class ?? '-',
      ranges(r),
      r.malformed ?? '-',
      ...(withPolicy ? [r.direction === 'request' ? decision(r) || '-' : ''] : []),
    ];
  });
  return { header, rows };
}

export function formatTable(t: { header: string[]; rows: string[][] }): string {
  const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(t.header), ...t.rows.map(line)].join('\n');
}

/** A row as JSON-safe data (exception reply bytes as hex). */
export function rowJson(r: InspectionRow): object {
  return r.decision?.response ? { ...r, decision: { ...r.decision, response: hex(r.decision.response) } } : r;
}

/** A one-line count per protocol, direction and class, for the end of the table. */
export function inspectionSummary(report: InspectionReport): string {
  const counts = new Map<string, number>();
  for (const r of report.rows)
    counts.set(`${r.protocol} ${r.class ?? 'link'}`, (counts.get(`${r.protocol} ${r.class ?? 'link'}`) ?? 0) + 1);
  const blocked = report.rows.filter((r) => r.decision?.action === 'block').length;
  const parts = [...counts].sort().map(([k, n]) => `${k}: ${n}`);
  return `${report.packets} packets (${report.format}), ${report.rows.length} PDUs; ${parts.join(', ') || 'none'}${blocked ? `; ${blocked} would be blocked` : ''}${report.error ? `; capture error: ${report.error}` : ''}${report.truncated ? '; truncated' : ''}`;
}
