import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Where `scripts/build-console.mjs` puts the built web console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

// The console loads only its own files and talks only to this origin; no inline script, no frames.
// Inline styles are allowed: the terminal (xterm.js) writes its metrics and theme as <style>
// elements at run time, and a style cannot run code.
// The map's images may also come from the one tile server an admin set (map settings); none by default.
const csp = (imgSources: readonly string[]) =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src ${["'self'", 'data:', ...imgSources].join(' ')}; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
const SECURITY_HEADERS = {
  'content-security-policy': csp([]),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Outpost</title>
<p>The web console has not been built. Run <code>npm start</code> (it builds it first) or <code>npm run console:build</code>, then reload.</p>
<p>The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>`;

/**
 * Serves the built console at `/` from this process. Any other GET path that is not an API
 * route answers the console's index.html (client-side routing), except under /api/, where an
 * unknown path stays a JSON 404.
 */
export async function registerConsole(
  app: FastifyInstance,
  root = CONSOLE_DIST,
  /** Origins (`https://tiles.example`) the pages may load images from besides the hub. */
  imgSources: () => Promise<readonly string[]> = async () => [],
): Promise<void> {
  await app.register(fastifyStatic, { serve: false });
  const publicRoute = { config: { role: 'public' as const }, schema: { hide: true } };

  async function sendIndex(reply: FastifyReply) {
    const extra = await imgSources();
    reply.headers({ ...SECURITY_HEADERS, 'content-security-policy': csp(extra), 'cache-control': 'no-cache' });
    if (!existsSync(join(root, 'index.html')))
      return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.sendFile('index.html', root, { cacheControl: false });
  }

  app.get('/', publicRoute, (_req, reply) => sendIndex(reply));
  app.get<{ Params: { '*': string } }>('/*', publicRoute, (req, reply) => {
    const path = req.params['*'];
    if (path === 'api' || path.startsWith('api/')) return reply.callNotFound();
    // No way out of the console's folder, however the dots are encoded (the parameter arrives decoded).
    if (/(^|[/\\])\.\.?([/\\]|$)|\\|\0/.test(path)) return reply.callNotFound();
    reply.headers(SECURITY_HEADERS);
    // Vite names built assets by content hash, so they never change under the same name.
    if (path.startsWith('assets/')) return reply.sendFile(path, root, { maxAge: 365 * 86_400_000, immutable: true });
    if (/\.[A-Za-z0-9]+$/.test(path)) return reply.sendFile(path, root, { maxAge: 3_600_000 });
    return sendIndex(reply);
  });
}
