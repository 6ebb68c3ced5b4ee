import type { FastifyInstance } from 'fastify';
import { STREAMS_ROUTES as R } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import type { AuditLog } from '../audit/index.js';
import type { Principal } from '../users/index.js';
import { history, historyCsv, pointView } from './streams.history.js';
import type { StreamsStore } from './streams.store.js';
import type { StreamsReader } from './streams.types.js';

/** Step-up check before enabling writes to a field point (see users/step-up.ts). */
export type StreamsStepUp = (p: Principal, otp: string | undefined) => Promise<void>;

export interface StreamsRoutesDeps {
  store: StreamsStore;
  reader: StreamsReader;
  clock: Clock;
  audit: AuditLog;
  stepUp: StreamsStepUp;
  deviceExists(id: string): Promise<boolean>;
}

export function registerStreamsRoutes(app: FastifyInstance, d: StreamsRoutesDeps) {
  const mustExist = async (id: string) => {
    if (!(await d.deviceExists(id))) throw new NotFound('device', id);
  };
  const mustPoint = async (id: string, point: string) => {
    await mustExist(id);
    const p = await d.store.point(id, point);
    if (!p) throw new NotFound('data point', `${id}/${point}`);
    return p;
  };

  serve(app, R.points, async (req) => {
    await mustExist(req.params.id);
    const now = d.clock.now().getTime();
    return { items: (await d.store.points(req.params.id)).map((p) => pointView(p, now)) };
  });

  serve(app, R.history, async (req, reply) => {
    const p = await mustPoint(req.params.id, req.params.point);
    const h = await history(d.reader, req.params.id, p, req.query);
    if (req.query.format !== 'csv') return h;
    const name = `${req.params.id}-${req.params.point}-${h.interval}.csv`.replace(/[^A-Za-z0-9_.-]/g, '_');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(historyCsv(h));
  });

  serve(app, R.setWrites, async (req) => {
    const p = await mustPoint(req.params.id, req.params.point);
    const enabled = req.body.enabled;
    // Enabling writes lets the hub change a field device's state: a dangerous action. Disabling is not.
    if (enabled) {
      await d.stepUp(req.principal!, req.body.otp);
      if (!p.writable) throw new Conflict('the agent does not declare this point writable', { point: p.point });
    }
    await d.store.setWritesEnabled(req.params.id, p.point, enabled);
    await d.audit.record({
      actor: actor(req),
      action: enabled ? 'data.writes_enabled' : 'data.writes_disabled',
      target: `device:${req.params.id}`,
      details: { point: p.point },
    });
    return pointView({ ...p, writesEnabled: enabled }, d.clock.now().getTime());
  });
}
