import type { Command } from 'commander';

// The hub's code is loaded inside each action: `outpost --help` does not load the hub.
const hubApi = () => import('@outpost/hub');

const MB = 1024 * 1024;

function gzipLevel(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`--level: expected 1 to 9, got "${v}"`);
  return n;
}

/** `outpost hub backup` and `outpost hub restore`: the data directory in one archive, and back. */
export function registerHubBackupCommands(hub: Command) {
  hub
    .command('backup')
    .description('write a consistent backup of the data directory (the hub may be running); the KEK is never in it')
    .requiredOption('--out <file>', 'archive to write (.tar.gz)')
    .option('--data-dir <dir>', 'data directory (OUTPOST_DATA_DIR)')
    .option('--config <file>', 'JSON config file (OUTPOST_CONFIG)')
    .option('--level <n>', 'gzip level, 1 (fastest) to 9 (smallest)', gzipLevel, 6)
    .action(async (o: { out: string; dataDir?: string; config?: string; level: number }) => {
      const { BackupRefused, createBackup, defaultKekPath, loadConfig, readKek, refuseOnPostgres } = await hubApi();
      const config = loadConfig({ flags: { dataDir: o.dataDir }, env: process.env, file: o.config });
      // Before the KEK: a hub on PostgreSQL is refused whatever else is missing.
      refuseOnPostgres(config.databaseUrl, 'backup');
      const kek = await readKek({ dataDir: config.dataDir, envValue: config.kek, file: config.kekFile });
      if (!kek)
        throw new BackupRefused(
          'kek_required',
          `no KEK: ${defaultKekPath(config.dataDir)} does not exist and neither OUTPOST_KEK_FILE nor OUTPOST_KEK is set (give the hub's KEK the same way the hub gets it)`,
        );
      const t0 = performance.now();
      const r = await createBackup({
        dataDir: config.dataDir,
        databaseUrl: config.databaseUrl,
        out: o.out,
        kek,
        now: new Date(),
        level: o.level,
      });
      const s = (performance.now() - t0) / 1000;
      for (const l of r.leftOut) process.stderr.write(`left out: ${l.path} (${l.reason})\n`);
      for (const v of r.vanished) process.stderr.write(`gone before it was copied: ${v}\n`);
      const data = r.manifest.entries.reduce((n, e) => n + e.size, 0);
      console.log(
        `backup written: ${o.out} (${(r.bytes / MB).toFixed(1)} MB, ${r.manifest.entries.length} files, ` +
          `${(data / MB).toFixed(1)} MB of data, ${s.toFixed(1)} s)\n` +
          `  hub ${r.manifest.hubVersion}, schema ${r.manifest.schemaVersion}\n` +
          `  KEK fingerprint ${r.manifest.kekFingerprint}: restoring needs this same KEK (kept outside the backup)`,
      );
    });

  hub
    .command('restore <file>')
    .description('restore a backup into an empty data directory, after checking every hash and the KEK')
    .requiredOption('--data-dir <dir>', 'empty or new data directory to restore into')
    .option('--kek-file <file>', "the backed-up hub's KEK (32 bytes, mode 0600); copied to <data-dir>.kek")
    .action(async (file: string, o: { dataDir: string; kekFile?: string }) => {
      const {
        BackupRefused,
        defaultKekPath,
        kekFingerprint,
        loadConfig,
        parseEnvKek,
        readKekFromFile,
        refuseOnPostgres,
        restoreBackup,
      } = await hubApi();
      const { kek: envKek, kekFile, databaseUrl } = loadConfig({ flags: { dataDir: o.dataDir }, env: process.env });
      refuseOnPostgres(databaseUrl, 'restore');
      let kek: Buffer | null = null;
      if (o.kekFile) kek = await readKekFromFile(o.kekFile);
      else if (envKek && envKek.trim() !== '') kek = parseEnvKek(envKek.trim());
      else if (kekFile) kek = await readKekFromFile(kekFile);
      if (!kek)
        throw new BackupRefused(
          'kek_required',
          'restoring needs the KEK of the backed-up hub: --kek-file, OUTPOST_KEK or OUTPOST_KEK_FILE',
        );
      const t0 = performance.now();
      const r = await restoreBackup({
        archive: file,
        dataDir: o.dataDir,
        databaseUrl,
        kek,
        writeKekFile: Boolean(o.kekFile),
      });
      const s = (performance.now() - t0) / 1000;
      console.log(
        `restored ${r.files} files (${(r.bytes / MB).toFixed(1)} MB) into ${o.dataDir} in ${s.toFixed(1)} s\n` +
          `  backup of hub ${r.manifest.hubVersion} (schema ${r.manifest.schemaVersion}) taken ${r.manifest.createdAt}\n` +
          `  KEK fingerprint ${kekFingerprint(kek)} matches; every file matches its SHA-256\n` +
          (o.kekFile
            ? `  the KEK was written to ${defaultKekPath(o.dataDir)} (or point OUTPOST_KEK_FILE at your own copy)\n`
            : '  start the hub with the same OUTPOST_KEK or OUTPOST_KEK_FILE\n') +
          `  start it with: outpost hub --data-dir ${o.dataDir}`,
      );
    });
}
