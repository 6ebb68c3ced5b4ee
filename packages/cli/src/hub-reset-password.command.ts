import type { Command } from 'commander';

/** `outpost hub reset-password USER`: for whoever holds the data directory, with the hub stopped. */
export function registerHubResetPassword(hub: Command) {
  hub
    .command('reset-password <username>')
    .description(
      "set a user's password from the data directory (the hub must be stopped); audited, sessions end, account re-enabled",
    )
    .option('--data-dir <dir>', 'data directory (OUTPOST_DATA_DIR)')
    .option('--config <file>', 'JSON config file (OUTPOST_CONFIG)')
    .option('--password <p>', 'the new password (or OUTPOST_NEW_PASSWORD); without it one is generated')
    .action(async (username: string, o: { dataDir?: string; config?: string; password?: string }) => {
      const { loadConfig, resetPasswordOffline } = await import('@outpost/hub');
      const config = loadConfig({ flags: { dataDir: o.dataDir }, env: process.env, file: o.config });
      const r = await resetPasswordOffline({
        config,
        username,
        password: o.password ?? process.env.OUTPOST_NEW_PASSWORD,
      });
      console.log(
        r.generated
          ? `password of ${r.user.username} reset to "${r.password}" (shown once; change it after signing in)`
          : `password of ${r.user.username} reset`,
      );
    });
}
