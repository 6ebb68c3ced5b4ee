import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { OutpostClient } from '@outpost/client';

export interface Credentials {
  hubUrl: string;
  caPem?: string;
  session?: string;
  token?: string;
}

/** Where `outpost login` keeps the session: $OUTPOST_HOME or ~/.outpost, file mode 0600. */
export function credentialsPath(): string {
  return join(process.env.OUTPOST_HOME ?? join(homedir(), '.outpost'), 'credentials.json');
}

export function saveCredentials(c: Credentials): void {
  const p = credentialsPath();
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileSync(p, JSON.stringify(c, null, 2), { mode: 0o600 });
}

export function loadCredentials(): Credentials | null {
  const p = credentialsPath();
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Credentials) : null;
}

/** The CA to trust: --ca-file, else the local hub's data directory when run beside it. */
export function readCa(caFile?: string, dataDir = './data'): string | undefined {
  const p = caFile ?? join(resolve(dataDir), 'pki', 'ca.crt');
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

/** A client from flags, OUTPOST_HUB / OUTPOST_TOKEN, or the saved login, in that order. */
export async function clientFrom(opts: { hub?: string; token?: string; caFile?: string }): Promise<OutpostClient> {
  // Loaded on first use, so `outpost --help` and commands that never call the hub start fast.
  const { createClient } = await import('@outpost/client');
  const saved = loadCredentials();
  const hubUrl = opts.hub ?? process.env.OUTPOST_HUB ?? saved?.hubUrl ?? 'https://localhost:8443';
  const token = opts.token ?? process.env.OUTPOST_TOKEN ?? saved?.token;
  const caPem = readCa(opts.caFile ?? process.env.OUTPOST_CA_FILE) ?? saved?.caPem;
  return createClient({ baseUrl: hubUrl, token, session: token ? undefined : saved?.session, caPem });
}
