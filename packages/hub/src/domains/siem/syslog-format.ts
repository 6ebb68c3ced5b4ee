import { eventJson, type SiemEvent } from './siem-event.js';

// RFC 5424 (The Syslog Protocol) §6 message, framed for TLS transport by RFC 5425 §4.3
// (octet counting: MSG-LEN SP SYSLOG-MSG).

/** Our SD-ID: a name `@` an IANA private enterprise number, as RFC 5424 §7.2.2 asks of private IDs. */
export const SD_ID = 'outpost@32473';
export const APP_NAME = 'outpost-hub';
/** RFC 5425 §4.3.1: receivers must take 2048 octets, should take 8192; rsyslog's default is 8096. */
export const DEFAULT_MAX_MESSAGE_BYTES = 8000;

const NILVALUE = '-';
// RFC 5424 §6.2.1: facility 13 is "log audit", 10 "security/authorization", 16 "local use 0".
const FACILITY: Record<SiemEvent['category'], number> = {
  audit: 13,
  checkpoint: 13,
  security: 10,
  guard: 16,
  device: 16,
  alert: 16,
};
// RFC 5424 §6.2.1 severities.
const SEVERITY: Record<SiemEvent['severity'], number> = { critical: 2, error: 3, warning: 4, notice: 5, info: 6 };

/** PRINTUSASCII (%d33-126), at most `max` characters; NILVALUE when nothing is left. */
export function printAscii(value: string | null | undefined, max: number): string {
  const kept = (value ?? '').replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return kept.length ? kept : NILVALUE;
}

/** An SD-NAME (§6.3.3): PRINTUSASCII except `=`, SP, `]` and `"`, 1 to 32 characters. */
export function sdName(value: string): string {
  const kept = value.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32);
  if (!kept.length) throw new Error('an SD-NAME needs at least one character');
  return kept;
}

/** A PARAM-VALUE (§6.3.3): `"`, `\` and `]` escaped with a backslash; control characters replaced. */
export function sdParamValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  return value.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** TIMESTAMP (§6.2.3): UTC with `Z`, at most six fraction digits; NILVALUE for an unreadable time. */
export function syslogTimestamp(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? NILVALUE : t.toISOString();
}

export interface SyslogHeader {
  hostname: string;
  procId: string;
}

function structuredData(e: SiemEvent): string {
  const params: Array<[string, string]> = [
    ['source', e.source],
    ['seq', e.seq],
    ['subject', e.subject],
    ['outcome', e.outcome],
    ['component', `${e.component.host} ${e.component.software}/${e.component.version}`],
    ['category', e.category],
  ];
  if (e.target) params.push(['target', e.target]);
  return `[${SD_ID}${params.map(([k, v]) => ` ${sdName(k)}="${sdParamValue(v)}"`).join('')}]`;
}

function cutUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  // Step back to a character boundary: continuation bytes are 10xxxxxx.
  let end = maxBytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/**
 * One RFC 5424 SYSLOG-MSG: PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, the five fields as
 * STRUCTURED-DATA, and the event's JSON as MSG (UTF-8, with the BOM §6.4 asks for). Bounded by
 * `maxBytes`: an event too large loses its details first, then MSG is cut at a character boundary.
 */
export function formatSyslog(e: SiemEvent, h: SyslogHeader, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): string {
  const pri = FACILITY[e.category] * 8 + SEVERITY[e.severity];
  const header = [
    `<${pri}>1`,
    syslogTimestamp(e.time),
    printAscii(h.hostname, 255),
    APP_NAME,
    printAscii(h.procId, 128),
    printAscii(e.type, 32),
  ].join(' ');
  const head = `${header} ${structuredData(e)} \u{feff}`;
  const room = maxBytes - Buffer.byteLength(head, 'utf8');
  if (room <= 0) throw new Error(`a syslog message needs more than ${maxBytes} bytes for its header`);
  let msg = eventJson(e);
  if (Buffer.byteLength(msg, 'utf8') > room) msg = eventJson({ ...e, details: { truncated: true } });
  return head + cutUtf8(msg, room);
}

/** RFC 5425 §4.3 octet-counting frame: the message's length in octets, a space, the message. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
