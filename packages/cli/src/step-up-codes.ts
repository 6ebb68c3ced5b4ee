import { execFile } from 'node:child_process';
import { createInterface } from 'node:readline/promises';

// Codes from the operator's authenticator for step-ups. A code is good once (the hub refuses a
// replay), so a step-up needed again later, e.g. when a second person approved a session after the
// code typed at the start was used or grew too old, takes a fresh code: from --otp-command, or
// asked for on a terminal.

const STEP_UP_CODES = new Set(['mfa_step_up_required', 'mfa_invalid']);
const CODE = /^\d{6,8}$/;
const NEW_CODE_WAIT_MS = 40_000;
// Fresh codes tried for one step-up before giving up (each one a new authenticator period).
const MAX_FRESH_CODES = 3;

export interface CodeSource {
  /** The code given on the command line (--otp), once. */
  initial(): string | undefined;
  /** A code not used before, for a step-up needed again. */
  fresh(why: string): Promise<string>;
}

function runCommand(cmd: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('/bin/sh', ['-c', cmd], { timeout: 30_000, encoding: 'utf8' }, (err, stdout) => {
      if (err) return reject(new Error(`--otp-command failed: ${err.message.split('\n')[0]}`));
      const code = stdout.trim();
      if (!CODE.test(code)) return reject(new Error('--otp-command must print a code of 6 to 8 digits'));
      resolve(code);
    }),
  );
}

export function codeSource(o: { otp?: string; otpCommand?: string; say(line: string): void }): CodeSource {
  const used = new Set<string>();
  let given = o.otp;
  return {
    initial() {
      const c = given;
      given = undefined;
      if (c) used.add(c);
      return c;
    },
    async fresh(why: string) {
      if (o.otpCommand) {
        const until = Date.now() + NEW_CODE_WAIT_MS;
        let code = await runCommand(o.otpCommand);
        // The authenticator still shows the code already used: wait for its next one.
        if (used.has(code)) o.say(`${why}: waiting for the authenticator's next code`);
        while (used.has(code) && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 2000));
          code = await runCommand(o.otpCommand);
        }
        if (used.has(code)) throw new Error('--otp-command keeps printing a code that was already used');
        used.add(code);
        return code;
      }
      if (process.stdin.isTTY && process.stderr.isTTY) {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        try {
          for (;;) {
            const code = (await rl.question(`${why}: a new code from your authenticator: `)).trim();
            if (CODE.test(code) && !used.has(code)) {
              used.add(code);
              return code;
            }
            o.say(used.has(code) ? 'that code was used already: wait for the next one' : 'a code is 6 to 8 digits');
          }
        } finally {
          rl.close();
        }
      }
      throw new Error(
        `${why}, and a code is good only once: give --otp-command "<command printing a code>", ` +
          'run this where it can ask for one (a terminal), or connect later with --session <id> --otp <new code>',
      );
    },
  };
}

/** Runs `call` with the code given at the start, and again with a fresh code when the hub asks for a step-up. */
export async function withStepUp<T>(codes: CodeSource, why: string, call: (otp?: string) => Promise<T>): Promise<T> {
  let otp = codes.initial();
  for (let fresh = 0; ; fresh++) {
    try {
      return await call(otp);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (!STEP_UP_CODES.has(e.code ?? '') || fresh >= MAX_FRESH_CODES) throw err;
      // A refused fresh code (an authenticator a period behind the hub, a code the hub saw used)
      // is not asked for again: the next one is.
      otp = await codes.fresh(fresh === 0 ? why : `${why} (the hub refused the last code: ${e.message ?? e.code})`);
    }
  }
}
