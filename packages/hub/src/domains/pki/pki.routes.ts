import type { FastifyInstance } from 'fastify';
import { PKI_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { Principal } from '../users/index.js';
import type { PkiService } from './pki.service.js';

/** Step-up check for rotating and retiring CAs (see users/step-up.ts). */
export type PkiStepUp = (p: Principal, otp: string | undefined) => Promise<void>;

export function registerPkiRoutes(app: FastifyInstance, pki: PkiService, stepUp: PkiStepUp) {
  serve(app, R.listCas, () => pki.list());
  serve(app, R.certificateHealth, (req) => pki.health(req.query.days, deviceScopeOf(req).where));
  serve(app, R.rotateCa, async (req, reply) => {
    await stepUp(req.principal!, req.body.otp);
    return reply.status(201).send(await pki.rotate(actor(req), req.body.commonName));
  });
  serve(app, R.retireCa, async (req) => {
    await stepUp(req.principal!, req.body.otp);
    return pki.retire(actor(req), req.params.id, req.body.force === true);
  });
}
