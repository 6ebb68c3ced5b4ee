import type { Command } from 'commander';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
}

/** `outpost pki ca list|rotate|retire`: the hub's certificate authorities (admin). */
export function registerPkiCommands(program: Command) {
  const ca = program
    .command('pki')
    .description("the hub's certificate authorities")
    .command('ca')
    .description('list, rotate and retire the CAs that sign and are trusted for device certificates');

  common(
    ca.command('list').description('every CA, its state and how many live certificates still depend on it'),
  ).action(async (o: Common) => {
    const r = await (await clientFrom(o)).pki.listCas();
    output(
      o.json,
      r,
      r.items.map((c) => ({
        id: c.id,
        state: c.state,
        live: c.liveCertificates,
        devices: c.devices,
        tls: c.servesHubTls ? 'yes' : '',
        name: c.commonName,
        fingerprint: c.fingerprint.slice(0, 16),
        created: c.createdAt,
      })),
      ['id', 'state', 'live', 'devices', 'tls', 'name', 'fingerprint', 'created'],
    );
    if (!o.json && r.devicesOnRetiringCas > 0)
      console.log(`${r.devicesOnRetiringCas} device(s) still hold a certificate of a retiring CA`);
  });

  common(
    ca
      .command('rotate')
      .description('create a new CA that signs from now on; the current one stays trusted (retiring) until retired'),
  )
    .option('--name <commonName>', 'subject CN of the new CA')
    .option('--otp <code>', 'a current authenticator code, when a fresh second factor is required')
    .action(async (o: Common & { name?: string; otp?: string }) => {
      const c = await (
        await clientFrom(o)
      ).pki.rotateCa({
        ...(o.name ? { commonName: o.name } : {}),
        ...(o.otp ? { otp: o.otp } : {}),
      });
      if (o.json) return printJson(c);
      console.log(
        `${c.id} (${c.commonName}, ${c.fingerprint}) signs from now on; connected devices receive it and renew onto ` +
          'it within the spread. Watch "outpost pki ca list" and retire the previous CA once nothing depends on it.',
      );
    });

  common(
    ca.command('retire <id>').description('stop trusting a retiring CA (refused while live certificates depend on it)'),
  )
    .option('--force', 'retire anyway: devices still on it are refused and must enroll again with a fresh token')
    .option('--otp <code>', 'a current authenticator code, when a fresh second factor is required')
    .action(async (id: string, o: Common & { force?: boolean; otp?: string }) => {
      const r = await (
        await clientFrom(o)
      ).pki.retireCa(id, {
        ...(o.force ? { force: true } : {}),
        ...(o.otp ? { otp: o.otp } : {}),
      });
      if (o.json) return printJson(r);
      console.log(
        `${r.ca.id} retired` +
          (r.revokedCertificates
            ? `; ${r.revokedCertificates} live certificate(s) revoked (their devices must enroll again)`
            : ''),
      );
    });
}
