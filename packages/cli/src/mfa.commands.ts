import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { Role } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { printJson } from './output.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
}

function printCodes(codes: string[]) {
  console.log('recovery codes (shown once; each works once in place of a code):');
  for (const c of codes) console.log(`  ${c}`);
}

/** `outpost mfa …`: the signed-in user's authenticator (TOTP), step-up, and the admin's per-role rule. */
export function registerMfaCommands(program: Command) {
  const mfa = program.command('mfa').description('your second factor (TOTP authenticator app)');
  common(mfa.command('status')).action(async (o: Common) => printJson(await (await clientFrom(o)).mfa.status()));
  common(mfa.command('enroll').description('set up an authenticator app: scan the QR code, then confirm with a code'))
    .option('--qr-file <file.svg>', 'write the QR code as SVG here')
    .option('--code <code>', 'confirm right away with this code')
    .action(async (o: Common & { qrFile?: string; code?: string }) => {
      const c = await clientFrom(o);
      const e = await c.mfa.enroll();
      if (o.qrFile) writeFileSync(o.qrFile, e.qrSvg);
      if (o.json && !o.code) return printJson({ secret: e.secret, otpauthUri: e.otpauthUri, qrFile: o.qrFile ?? null });
      console.error(
        `add this account to your authenticator app${o.qrFile ? ` (QR code in ${o.qrFile})` : ''}:\n  ${e.otpauthUri}\n  secret: ${e.secret}`,
      );
      let code = o.code;
      if (!code && process.stdin.isTTY) {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        code = (await rl.question('code from the app: ')).trim();
        rl.close();
      }
      if (!code) return console.error('then confirm with: outpost mfa confirm <code>');
      printCodes((await c.mfa.confirm(code)).recoveryCodes);
    });
  common(mfa.command('confirm <code>').description('finish enrollment with the first code')).action(
    async (code: string, o: Common) => {
      const r = await (await clientFrom(o)).mfa.confirm(code);
      if (o.json) return printJson(r);
      printCodes(r.recoveryCodes);
    },
  );
  common(
    mfa
      .command('verify <code>')
      .description('step-up: prove your second factor now, for actions that ask for a fresh one'),
  ).action(async (code: string, o: Common) => {
    const r = await (await clientFrom(o)).mfa.verify(code);
    if (o.json) return printJson(r);
    console.log(`second factor verified at ${r.verifiedAt}`);
  });
  common(mfa.command('recovery-codes').description('replace your recovery codes (needs a fresh step-up)')).action(
    async (o: Common) => {
      printCodes((await (await clientFrom(o)).mfa.regenerateRecoveryCodes()).recoveryCodes);
    },
  );
  common(mfa.command('disable').description('remove your authenticator (needs a fresh step-up)')).action(
    async (o: Common) => (await clientFrom(o)).mfa.disable(),
  );
  common(
    mfa.command('reset <userId>').description("clear a user's second factor, e.g. after a lost phone (admin)"),
  ).action(async (id: string, o: Common) => (await clientFrom(o)).mfa.reset(id));
  common(mfa.command('policy').description('which roles must use a second factor (admin)'))
    .option('--require <roles>', 'comma-separated roles that must enroll')
    .option('--allow-without <roles>', 'comma-separated roles that need not')
    .action(async (o: Common & { require?: string; allowWithout?: string }) => {
      const c = await clientFrom(o);
      const patch: Partial<Record<Role, boolean>> = {};
      const roles = (s?: string) => (s ? s.split(',').map((r) => r.trim()) : []);
      const { ROLES } = await import('@outpost/protocol');
      const check = (role: string): Role => {
        if (!(ROLES as readonly string[]).includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
        return role as Role;
      };
      for (const r of roles(o.require)) patch[check(r)] = true;
      for (const r of roles(o.allowWithout)) patch[check(r)] = false;
      printJson(Object.keys(patch).length ? await c.mfa.setPolicy(patch) : await c.mfa.policy());
    });
}
