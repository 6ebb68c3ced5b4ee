import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { User } from '@outpost/protocol';
import type { HubConfig } from '../config/config.js';
import { systemClock } from '../platform/clock.js';
import { lockDataDir } from '../platform/data-dir-lock.js';
import { newSecret } from '../platform/ids.js';
import { createLogger } from '../platform/logger.js';
import { auditModule } from '../domains/audit/audit.module.js';
import { usersModule } from '../domains/users/users.module.js';
import { openHubDatabase } from '../domains/hub-modules.js';
import { readKek } from '../domains/pki/kek.js';

export class ResetRefused extends Error {
  constructor(
    readonly code: 'no_data_directory' | 'kek_required' | 'password_too_short',
    message: string,
  ) {
    super(message);
    this.name = 'ResetRefused';
  }
}

export interface ResetPasswordResult {
  user: User;
  password: string;
  generated: boolean;
}

const MIN_PASSWORD = 10;

/**
 * `outpost hub reset-password USER`: the way back in for whoever holds the data directory (and its
 * KEK) when no admin can sign in. It runs with the hub stopped — it takes the data directory's
 * lock, so it cannot fork the audit chain of a running hub — sets the password, ends the user's
 * sessions, re-enables the account and records it in the audit log under the operating-system
 * account that ran it.
 */
export async function resetPasswordOffline(o: {
  config: HubConfig;
  username: string;
  password?: string;
}): Promise<ResetPasswordResult> {
  const { config } = o;
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'outpost.db')))
    throw new ResetRefused('no_data_directory', `${config.dataDir} holds no hub data (no outpost.db)`);
  if (o.password !== undefined && o.password.length < MIN_PASSWORD)
    throw new ResetRefused('password_too_short', `a password has at least ${MIN_PASSWORD} characters`);
  const lock = lockDataDir(config.dataDir, 'reset-password');
  try {
    const kek = await readKek({ dataDir: config.dataDir, envValue: config.kek, file: config.kekFile });
    if (!kek)
      throw new ResetRefused(
        'kek_required',
        `no KEK: give the hub's KEK the way the hub gets it (OUTPOST_KEK, OUTPOST_KEK_FILE or ${config.dataDir}.kek)`,
      );
    const db = await openHubDatabase(config.dataDir, config.databaseUrl);
    try {
      const base = { db, clock: systemClock, logger: createLogger('silent'), config, kek };
      const audit = auditModule.create(base);
      const { users } = usersModule.create({ ...base, audit: audit.api }).api;
      const password = o.password ?? newSecret(15);
      const actor = { type: 'system' as const, id: `data-directory:${userInfo().username}` };
      const user = await users.resetPassword(actor, o.username, password);
      await audit.parts.stop?.();
      return { user, password, generated: o.password === undefined };
    } finally {
      await db.destroy();
    }
  } finally {
    lock.release();
  }
}
