import type { GuardConsoleEvent } from './guard-event.types.js';

// Prompts that end the visible line while the console waits for input.
const PROMPTS: Array<[RegExp, NonNullable<GuardConsoleEvent['prompt']>]> = [
  [/(?:^|[^a-z])(?:user ?name|user id)\s*:\s*$/i, 'username'],
  [/(?:^|[^a-z])login\s*:\s*$/i, 'login'],
  [/(?:^|[^a-z])(?:password|passwd|passcode|pass phrase|passphrase)\s*:\s*$/i, 'password'],
];

// Plain-text credentials in a completed line. Only the pattern name is ever reported.
const CREDENTIALS: Array<[RegExp, string]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, 'url_userinfo'],
  [/\b(?:password|passwd|pwd|passcode|secret|pass)\s*[:=]\s*\S+/i, 'password_assignment'],
  [
    /\b(?:user(?:name)?|login|account|credentials?|default)\b.{0,40}?\b[a-z0-9_.-]{2,32}\/[^\s/]{3,64}(?:\s|$)/i,
    'user_slash_password',
  ],
];

// ANSI/VT100 escape sequences and other control characters that are not line breaks.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

export interface ConsoleScannerOptions {
  /** Serial port name carried in the events. */
  port?: string;
  deviceId?: string;
  /** Longest line kept (bytes); longer lines keep their tail. Default 512. */
  maxLine?: number;
}

/**
 * Watches a console byte stream for login prompts and plain-text credentials. Bounded:
 * keeps at most one line. Reports each prompt once per line.
 */
export class ConsoleScanner {
  private line = '';
  private promptReported = false;
  private readonly maxLine: number;

  constructor(private readonly opts: ConsoleScannerOptions = {}) {
    this.maxLine = opts.maxLine ?? 512;
  }

  push(chunk: Uint8Array, nowMs: number): GuardConsoleEvent[] {
    const out: GuardConsoleEvent[] = [];
    const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    for (const ch of text) {
      if (ch === '\n' || ch === '\r') {
        this.endLine(nowMs, out);
        continue;
      }
      if (ch === '\b' && this.line.length > 0) {
        this.line = this.line.slice(0, -1);
        continue;
      }
      this.line += ch;
      if (this.line.length > this.maxLine * 2) this.line = this.line.slice(-this.maxLine);
    }
    this.checkPrompt(nowMs, out);
    return out;
  }

  private clean(): string {
    return this.line.replace(ESCAPES, '').slice(-this.maxLine);
  }

  private checkPrompt(nowMs: number, out: GuardConsoleEvent[]): void {
    if (this.promptReported || this.line.length === 0) return;
    const visible = this.clean();
    for (const [re, prompt] of PROMPTS) {
      if (re.test(visible)) {
        out.push(this.event('guard.login_prompt', nowMs, { prompt }));
        this.promptReported = true;
        return;
      }
    }
  }

  private endLine(nowMs: number, out: GuardConsoleEvent[]): void {
    if (this.line.length === 0) return;
    this.checkPrompt(nowMs, out);
    const visible = this.clean();
    for (const [re, pattern] of CREDENTIALS) {
      if (re.test(visible)) {
        out.push(this.event('guard.credential_seen', nowMs, { pattern }));
        break;
      }
    }
    this.line = '';
    this.promptReported = false;
  }

  private event(type: GuardConsoleEvent['type'], ts: number, extra: Partial<GuardConsoleEvent>): GuardConsoleEvent {
    return {
      type,
      ts,
      protocol: 'serial',
      ...extra,
      ...(this.opts.port ? { port: this.opts.port } : {}),
      ...(this.opts.deviceId ? { deviceId: this.opts.deviceId } : {}),
    };
  }
}
