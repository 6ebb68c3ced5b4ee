import type { FastifyInstance } from 'fastify';
import { siteRollup, type SiteRollupSources } from './site-rollup.js';
import { LIVE_ROUTES as R } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { authenticate, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { UsersService } from '../users/index.js';
import type { LiveService, LiveSink } from './live.service.js';

// A stream ends after this long; the browser reconnects at once (the `retry` below), which runs
// the whole auth check again. In between, the credential is re-checked every RECHECK_MS, so a
// signed-out, expired or disabled session stops receiving within seconds.
const MAX_STREAM_MS = 10 * 60_000;
const RECHECK_MS = 5_000;
// A subscriber that lets this much pile up unread is dropped rather than buffered without bound.
const MAX_UNSENT_BYTES = 1024 * 1024;

export function registerLiveRoutes(
  app: FastifyInstance,
  live: Pick<LiveService, 'assertCapacity' | 'subscribe' | 'summary' | 'trend' | 'closeAll'>,
  users: UsersService,
  clock: Clock,
  sites: SiteRollupSources,
) {
  // Server-sent events (HTML Living Standard §9.2): `hello`, then `presence`, `audit`, `rollout` and `alerts`.
  serve(app, R.stream, async (req, reply) => {
    live.assertCapacity();
    const scope = deviceScopeOf(req);
    const reader = { scope, username: req.principal!.username };
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // nginx and similar proxies buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const writable = () => !res.destroyed && res.writableLength <= MAX_UNSENT_BYTES;
    const sink: LiveSink = {
      send: (event, data) => writable() && (res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`), true),
      comment: (text) => writable() && (res.write(`: ${text}\n\n`), true),
      close: () => res.end(),
    };
    let unsubscribe = () => {};
    const limit = clock.after(MAX_STREAM_MS, () => sink.close());
    // A changed group scope ends the stream too: the reconnect sees the new one.
    const sameScope = async (userId: string) =>
      [...(await users.groupScope(userId))].sort().join('\n') === [...scope.groups].sort().join('\n');
    const recheck = clock.every(RECHECK_MS, () =>
      authenticate(req, users).then(
        async (p) => (p && !p.mfaPending && (await sameScope(p.userId)) ? undefined : sink.close()),
        () => sink.close(),
      ),
    );
    res.on('close', () => {
      limit.cancel();
      recheck.cancel();
      unsubscribe();
    });
    try {
      unsubscribe = await live.subscribe(sink, reader);
      if (res.destroyed) unsubscribe();
    } catch (err) {
      req.log.warn({ err }, 'live stream could not start');
      res.end();
    }
  });

  serve(app, R.summary, (req) => live.summary(deviceScopeOf(req)));
  serve(app, R.sites, (req) => siteRollup(sites, deviceScopeOf(req)));
  serve(app, R.presenceTrend, async (req) => ({ items: await live.trend(req.query.hours ?? 24, deviceScopeOf(req)) }));

  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => live.closeAll());
}
