import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../platform/atomic-write.js';
import type { Logger } from '../platform/logger.js';

/** How long a revocation list the hub writes stays valid; rewritten daily and on every revocation. */
export const BROKER_CRL_VALID_MS = 7 * 86_400_000;

export interface BrokerTrustFiles {
  /** Rewrites ca.crt and crl.pem in the broker directory and tells the broker there to reload them. */
  sync(): Promise<void>;
}

/**
 * The device trust an external broker checks, kept by the hub in the directory `outpost hub
 * broker-config` wrote: the CA set (ca.crt) and one revocation list per trusted CA (crl.pem). The
 * broker whose pid is in mosquitto.pid there is sent SIGHUP (Mosquitto reloads both on it); brokers on
 * other machines get the files copied (docs/BROKERS.md).
 */
export function brokerTrustFiles(o: {
  dir: string;
  caPem: () => string;
  revocationLists: () => Promise<string>;
  logger: Logger;
}): BrokerTrustFiles {
  let queue: Promise<void> = Promise.resolve();
  const once = async () => {
    await writeAtomic(join(o.dir, 'ca.crt'), o.caPem(), 0o644);
    await writeAtomic(join(o.dir, 'crl.pem'), await o.revocationLists(), 0o644);
    const pidText = await readFile(join(o.dir, 'mosquitto.pid'), 'utf8').catch(() => null);
    const pid = pidText ? Number(pidText.trim()) : NaN;
    if (!Number.isInteger(pid) || pid <= 1) return;
    try {
      process.kill(pid, 'SIGHUP');
    } catch (err) {
      o.logger.warn({ pid, err: (err as Error).message }, 'could not tell the broker to reload its revocation list');
    }
  };
  return {
    // One at a time: two revocations in quick succession must not interleave their files.
    sync() {
      const next = queue.then(once, once);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
