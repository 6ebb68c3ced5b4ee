import type { DeviceBrokerView } from '@outpost/protocol';
import { BROKERS_ROUTES as BROKERS } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** Which broker a device is on, and moving it to another of the hub's brokers. */
export function brokersApi(r: RouteCaller) {
  return {
    /** The broker a device is on now, the one the hub sends it to, and its last move. */
    ofDevice: (id: string) => r<DeviceBrokerView>(BROKERS.deviceBroker, { params: { id } }),
    /** Sends the device a signed move to `broker` (a name or device-facing URL); the move runs on (state `moving`). */
    move: (id: string, body: { broker: string; deadlineS?: number; reason?: string; otp?: string }) =>
      r<DeviceBrokerView>(BROKERS.move, { params: { id }, body }),
  };
}
