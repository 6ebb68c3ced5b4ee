import { createHash, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutpostClient } from '@outpost/client';

// How long the loopback listener waits for the browser to come back from the identity provider.
const WAIT_MS = 5 * 60_000;

const page = (res: ServerResponse, status: number, text: string) =>
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(text);

/**
 * Sign-in through an identity provider from the CLI by a loopback hand-off (RFC 8252 §7.3): a
 * listener on 127.0.0.1 at a random port, an address to open in a browser, and the hub sending
 * the browser back with a one-time code that only this process can redeem (it kept the PKCE
 * verifier whose S256 challenge went with the address).
 */
export async function ssoLogin(
  client: OutpostClient,
  hubUrl: string,
  provider: string,
  show: (url: string) => void,
): Promise<{ sessionToken: string; expiresAt: string; user: { username: string; role: string } }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  let settle: (r: { code: string } | { error: string }) => void = () => undefined;
  const outcome = new Promise<{ code: string } | { error: string }>((resolve) => (settle = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') return page(res, 404, 'not found');
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    if (code) {
      page(res, 200, 'Signed in to Outpost. You can close this tab and go back to the terminal.');
      settle({ code });
    } else {
      page(res, 400, `The sign-in was refused (${error ?? 'no code'}). See the terminal.`);
      settle({ error: error ?? 'no_code' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => settle({ error: 'timed_out' }), WAIT_MS);
  try {
    const port = (server.address() as AddressInfo).port;
    show(new URL(client.sso.startPath(provider, { port, challenge }), hubUrl).href);
    const r = await outcome;
    if ('error' in r) throw new Error(`single sign-on with ${provider} failed: ${r.error}`);
    return await client.sso.exchange(r.code, verifier);
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}
