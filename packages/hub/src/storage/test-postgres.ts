// Test support: a throw-away PostgreSQL cluster. Integration tests start one per test file
// (startup takes about two seconds), create a database per suite, and stop and remove the whole
// cluster afterwards, also when a test fails. Debian's server binaries are used as they are.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
// PostgreSQL refuses to run as root: as root, the cluster runs as this system user.
const SERVER_USERS = ['postgres', 'nobody'];

/** The directory of the newest installed PostgreSQL server's binaries, or null. */
export function postgresBinDir(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')) && existsSync(join(PG_ROOT, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(PG_ROOT, versions[0], 'bin') : null;
}

/** Why PostgreSQL tests cannot run here (for `{ skip }`), or false when they can. */
export function postgresMissing(): string | false {
  if (postgresBinDir()) return false;
  return `PostgreSQL server binaries not found under ${PG_ROOT}/*/bin (apt-get install -y postgresql)`;
}

interface RunAs {
  uid: number;
  gid: number;
  /** Prefix that runs a command as that user (empty when already not root). */
  prefix: string[];
}

function serverUser(): RunAs {
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    return { uid: me.uid, gid: me.gid, prefix: [] };
  }
  for (const name of SERVER_USERS) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0)
      return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()), prefix: ['runuser', '-u', name, '--'] };
  }
  throw new Error(`running as root and none of the users ${SERVER_USERS.join(', ')} exists to run PostgreSQL`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface TestPostgresCluster {
  /** A URL for `database` as the cluster's superuser (password included). */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Runs one statement as the superuser on the `postgres` database. */
  admin(statement: string): Promise<void>;
  stop(): Promise<void>;
}

const SUPERUSER = 'outpost';

/**
 * Starts a PostgreSQL cluster in a new temporary directory, listening on 127.0.0.1 only on a free
 * port, with a random superuser password. Durability is off: it is thrown away after the tests.
 */
export async function startTestPostgres(): Promise<TestPostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresMissing() || 'PostgreSQL not found');
  const as = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  let started = false;
  // [command, args] running one of the server's programs as the server user.
  const asServer = (program: string, args: string[]): [string, string[]] => {
    const full = [...as.prefix, join(bin, program), ...args];
    return [full[0], full.slice(1)];
  };
  const exec = (program: string, args: string[]) => run(...asServer(program, args), { cwd: dir, timeout: 120_000 });
  const stopNow = () => {
    if (started) {
      spawnSync(...asServer('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']), {
        cwd: dir,
        stdio: 'ignore',
        timeout: 60_000,
      });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that ends without its after() hook (an uncaught error) still takes the cluster down.
  process.once('exit', stopNow);
  try {
    chmodSync(dir, 0o700);
    chownSync(dir, as.uid, as.gid);
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    chownSync(pwfile, as.uid, as.gid);
    await exec('initdb', [
      '-D',
      data,
      '-U',
      SUPERUSER,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    rmSync(pwfile);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3 && !started; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        "-c listen_addresses='127.0.0.1'",
        "-c unix_socket_directories=''",
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-t', '90', '-w', 'start']);
        started = true;
        return cluster(port);
      } catch (err) {
        lastError = err; // most likely the port was taken between probing and binding
      }
    }
    throw lastError;
  } catch (err) {
    stopNow();
    process.removeListener('exit', stopNow);
    throw err;
  }

  function cluster(port: number): TestPostgresCluster {
    const url = (database: string) =>
      `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    const admin = async (statement: string) => {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    const ident = (name: string) => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      return `"${name}"`;
    };
    return {
      url,
      admin,
      async createDatabase(name, template) {
        await admin(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`);
        return url(name);
      },
      async dropDatabase(name) {
        await admin(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
      },
      async stop() {
        stopNow();
        process.removeListener('exit', stopNow);
      },
    };
  }
}
