import { Duplex } from 'node:stream';
import { dialRelay, startTcpForward, type RelayLink } from '@outpost/client/relay';
import type { OutpostClient } from '@outpost/client';
import type { AccessOpenResult } from '@outpost/protocol';
import { codeSource, withStepUp } from './step-up-codes.js';

export interface ConnectFlags {
  reason?: string;
  duration: number;
  otp?: string;
  /** Prints a fresh code from the authenticator, each time a step-up needs one. */
  otpCommand?: string;
  /** Connect a session that was requested (and approved) before, instead of requesting one. */
  session?: string;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const CTRL_RIGHT_BRACKET = 0x1d;

/**
 * Requests (or opens) a session; waits for an approver when the policy asks for one. The code
 * given at the start serves the request; opening after the approval asks for a fresh one when the
 * hub needs the second factor again (the first was used, or is older than the policy allows).
 */
export async function openSession(
  c: OutpostClient,
  deviceId: string,
  target: string,
  f: ConnectFlags,
): Promise<AccessOpenResult> {
  const codes = codeSource({ otp: f.otp, otpCommand: f.otpCommand, say });
  const r = f.session
    ? await withStepUp(codes, 'opening the session needs a second factor', (otp) => c.access.open(f.session!, otp))
    : await withStepUp(codes, 'this policy needs a second factor', (otp) =>
        c.access.request({ deviceId, target, reason: f.reason, durationS: f.duration, otp }),
      );
  if (r.operatorToken) return r;
  say(`session ${r.session.id} waits for a second person: outpost access approve ${r.session.id}`);
  for (;;) {
    await new Promise((res) => setTimeout(res, 2000));
    const s = await c.access.session(r.session.id);
    if (s.state === 'approved') break;
    if (s.state !== 'requested')
      throw new Error(`session ${s.id} was ${s.state}${s.closeReason ? ` (${s.closeReason})` : ''}`);
  }
  // The code from the start was used by the request: never send it again.
  return withStepUp(codes, `session ${r.session.id} was approved; opening it needs a second factor again`, (otp) =>
    c.access.open(r.session.id, otp),
  );
}

/** Dials the operator leg with the same credentials the API calls use. */
export function dialOperator(c: OutpostClient, r: AccessOpenResult): RelayLink {
  const o = c.options;
  const headers: Record<string, string> = o.token
    ? { authorization: `Bearer ${o.token}` }
    : o.session
      ? { cookie: `outpost_session=${o.session}` }
      : {};
  // The replica the session names; a hub that names none is the one that answered.
  const url = r.relayUrl ?? `${o.baseUrl.replace(/\/$/, '').replace(/^http/, 'ws')}${r.relayPath}`;
  return dialRelay({ url, session: r.session.id, token: r.operatorToken!, options: { ca: o.caPem, headers } });
}

async function endOf(link: RelayLink): Promise<number> {
  const end = await link.ended;
  const normal = end.reason === 'operator_closed' || end.reason === 'done';
  say(`session ended: ${end.reason}${end.message ? ` (${end.message})` : ''}`);
  return normal ? 0 : 2;
}

/** `outpost access tcp`: a loopback listener whose connections reach the device's service. */
export async function runTcp(
  c: OutpostClient,
  deviceId: string,
  target: string,
  local: string,
  f: ConnectFlags,
): Promise<number> {
  const m = /^(?:(.+):)?(\d+)$/.exec(local);
  if (!m) throw new Error(`--local must be [host:]port, got "${local}"`);
  const r = await openSession(c, deviceId, target, f);
  const link = dialOperator(c, r);
  const ready = await link.ready;
  const fwd = await startTcpForward(link, { host: m[1] ?? '127.0.0.1', port: Number(m[2]) });
  say(`session ${ready.session}: ${ready.target} on ${deviceId} until ${ready.expiresAt}`);
  say(`listening on ${fwd.host}:${fwd.port} — point your tool there; Ctrl-C ends the session`);
  process.once('SIGINT', () => link.close());
  process.once('SIGTERM', () => link.close());
  return endOf(link);
}

/** The operator's terminal as one stream: raw keys in, the device's output out. */
function terminalStream(link: RelayLink): Duplex {
  const stdin = process.stdin;
  const term = new Duplex({
    read() {
      stdin.resume();
    },
    write(chunk: Buffer, _enc, done) {
      process.stdout.write(chunk, () => done());
    },
    final(done) {
      // The device side finished (shell exited): the session is over.
      done();
      link.close();
    },
  });
  stdin.on('data', (d: Buffer) => {
    if (d.includes(CTRL_RIGHT_BRACKET)) return link.close();
    if (!term.push(d)) stdin.pause();
  });
  stdin.on('end', () => term.push(null));
  // The device may also close the stream outright (its shell exited and its pty closed) before
  // the last output is written here: `final` then never runs, and this ends the session instead.
  term.once('close', () => link.close());
  return term;
}

/** `outpost access console`: an interactive terminal on the device's console or serial port. */
export async function runTerminal(
  c: OutpostClient,
  deviceId: string,
  target: string,
  f: ConnectFlags,
): Promise<number> {
  const r = await openSession(c, deviceId, target, f);
  const link = dialOperator(c, r);
  const ready = await link.ready;
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  say(`session ${ready.session}: ${ready.target} on ${deviceId} until ${ready.expiresAt}; Ctrl-] ends it`);
  if (tty) process.stdin.setRawMode(true);
  const size = () => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  const stream = link.mux.open(terminalStream(link), size());
  const onResize = () => link.mux.resize(stream, size().cols, size().rows);
  if (tty) process.stdout.on('resize', onResize);
  try {
    return await endOf(link);
  } finally {
    if (tty) {
      process.stdout.off('resize', onResize);
      process.stdin.setRawMode(false);
    }
    process.stdin.pause();
  }
}
