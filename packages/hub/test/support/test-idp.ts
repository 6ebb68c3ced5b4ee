import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';

export interface TestIdpAccount {
  email: string;
  groups: string[];
}

export interface TestIdp {
  /** https://127.0.0.1:<port> */
  issuer: string;
  /** The CA that signed the provider's TLS certificate, for the hub to trust. */
  caFile: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by login (also their `sub` and `preferred_username`); a test changes their groups between sign-ins. */
  accounts: Map<string, TestIdpAccount>;
  /** Seconds a device code lives from now on (RFC 8628 expires_in); a test shortens it to see one expire. */
  deviceCodeTtl: number;
  stop(): Promise<void>;
}

/** A test CA and a certificate for 127.0.0.1 it signed, made with openssl. */
function tlsFiles(dir: string) {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Test IdP CA']);
  run(['req', ...ec, '-keyout', 'idp.key', '-out', 'idp.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run(
    ['x509', '-req', '-in', 'idp.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-out',
      'idp.crt',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    ]),
  );
  return {
    caFile: join(dir, 'ca.crt'),
    key: readFileSync(join(dir, 'idp.key')),
    cert: readFileSync(join(dir, 'idp.crt')),
  };
}

/**
 * oidc-provider (the certified OpenID provider) on 127.0.0.1 over HTTPS with a test CA, one
 * confidential client, and its development sign-in pages (any login whose account exists, any password).
 */
export async function startTestIdp(opts: {
  redirectUris: string[];
  /** Where the provider's end-session page may send the browser back (RP-Initiated Logout). */
  postLogoutRedirectUris?: string[];
  accounts: Record<string, TestIdpAccount>;
}): Promise<TestIdp> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-idp-'));
  const tls = tlsFiles(dir);
  const accounts = new Map(Object.entries(opts.accounts));
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'outpost-hub';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const idp = { deviceCodeTtl: 600 };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        post_logout_redirect_uris: opts.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    cookies: { keys: ['outpost-test-idp-cookie-key'] },
    pkce: { required: () => true },
    features: { deviceFlow: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    ttl: { DeviceCode: () => idp.deviceCodeTtl },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, preferred_username: sub, email: account.email, groups: [...account.groups] }),
      };
    },
  });
  handler = provider.callback();
  return {
    issuer,
    caFile: tls.caFile,
    clientId,
    clientSecret,
    accounts,
    get deviceCodeTtl() {
      return idp.deviceCodeTtl;
    },
    set deviceCodeTtl(s: number) {
      idp.deviceCodeTtl = s;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
