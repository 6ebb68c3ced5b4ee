import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { ACCESS_ROUTES, RELAY_MAX_MESSAGE } from '@outpost/protocol';
import { Forbidden } from '../../platform/errors.js';
import { routeConfig } from '../../http/route-table.js';
import { normalizeSerial } from '../../platform/ids.js';
import type { DeviceAdmission } from '../enrollment/index.js';
import type { Relay } from './relay.hub.js';

/**
 * The relay's two WebSocket endpoints on the hub's HTTPS server (docs/relay-protocol.md).
 *
 * The server asks every TLS client for a certificate but does not require one (http/server.ts),
 * so operators connect as to any API route while a device presents the certificate the hub
 * issued it; the device route refuses the upgrade unless that certificate chains to the hub CA,
 * and its serial is one the hub issued to that device id and has not revoked — the same check
 * the MQTT broker makes. Both checks run before the upgrade, so a refused caller never gets a
 * WebSocket.
 */
export function registerRelayRoutes(app: FastifyInstance, relay: Relay, admission: DeviceAdmission) {
  const devices = new WeakMap<FastifyRequest, string>();

  async function identify(req: FastifyRequest) {
    const sock = req.raw.socket as TLSSocket;
    const cert = typeof sock.getPeerCertificate === 'function' ? sock.getPeerCertificate() : null;
    const cn = cert?.subject?.CN;
    const refuse = (id: string, reason: string) => {
      admission.onRefused(id, reason, req.ip);
      throw new Forbidden('the device leg of the relay needs a device certificate issued by this hub');
    };
    if (!cert || !sock.authorized || !cert.serialNumber || typeof cn !== 'string')
      return refuse('unknown', 'relay_certificate_missing');
    const r = await admission.admitDevice(cn, normalizeSerial(cert.serialNumber));
    if (!r.ok) return refuse(cn, `relay_${r.reason}`);
    devices.set(req, cn);
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
