import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { ACCESS_ROUTES, ErrorCode, RELAY_MAX_MESSAGE } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { HubError } from '../../platform/errors.js';
import { admitPeer, certificatesOf, checkPeerCertificate, type DeviceAdmission } from '../enrollment/index.js';
import { routeConfig } from '../../http/route-table.js';
import type { Relay } from './relay.hub.js';

/**
 * The relay's two WebSocket endpoints on the hub's HTTPS server (docs/relay-protocol.md).
 *
 * The server asks every TLS client for a certificate but does not require one (http/server.ts),
 * so operators connect as to any API route while a device presents the certificate the hub
 * issued it. The device route runs the broker's own checks (enrollment's checkPeerCertificate and
 * admitPeer): the certificate chains to the hub CA, its CN is a device id, its serial is one the
 * hub issued to that device, not revoked, not expired by the hub's clock (which also guards a
 * resumed TLS session), of an active device. Both run before the upgrade, so a refused caller never
 * gets a WebSocket; the refusal names its reason and is audited.
 */
export function registerRelayRoutes(
  app: FastifyInstance,
  relay: Relay,
  admission: DeviceAdmission,
  o: { ca: { certPem: string }; clock: Clock },
) {
  const devices = new WeakMap<FastifyRequest, string>();
  let ca: { pem: string; certs: X509Certificate[] } | null = null;
  const caCert = () => {
    if (ca?.pem !== o.ca.certPem) ca = { pem: o.ca.certPem, certs: certificatesOf(o.ca.certPem) };
    return ca.certs;
  };

  async function identify(req: FastifyRequest) {
    const peer = checkPeerCertificate(req.raw.socket as TLSSocket, caCert(), o.clock.now().getTime());
    const r = await admitPeer(admission, peer);
    if (!r.ok) {
      admission.onRefused(r.deviceId, `relay_${r.reason}`, req.ip);
      throw new HubError(ErrorCode.Forbidden, `the device leg of the relay refused this certificate: ${r.reason}`, {
        reason: r.reason,
      });
    }
    devices.set(req, r.deviceId);
  }
  // The plugin is scoped to this context: only the relay routes take WebSocket upgrades.
  app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: RELAY_MAX_MESSAGE } });
    const { relayOperator, relayDevice } = ACCESS_ROUTES;
    const operatorLeg = { websocket: true, config: routeConfig(relayOperator) } as const;
    scope.get(relayOperator.path, operatorLeg, (socket, req) => {
      relay.accept(socket, 'operator', { userId: req.principal!.userId, sourceIp: req.ip });
    });
    const deviceLeg = { websocket: true, config: routeConfig(relayDevice), preValidation: identify } as const;
    scope.get(relayDevice.path, deviceLeg, (socket, req) => {
      relay.accept(socket, 'device', { deviceId: devices.get(req), sourceIp: req.ip });
    });
  });
}
