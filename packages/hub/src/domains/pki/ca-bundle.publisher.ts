// Hands every device the CAs the hub trusts (`ca/bundle`) over its authenticated connection: when
// it is ready, and to every connected device when the set changes. A device on an older CA is
// asked to renew within the spread, each at its own random moment.
import type { CaBundleMessage } from '@outpost/protocol';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { Logger } from '../../platform/logger.js';
import type { CaSet } from './ca-set.js';

export function createCaBundlePublisher(d: {
  cas: Pick<CaSet, 'certPem' | 'active'>;
  bus: Pick<DeviceBus, 'publish'>;
  renewWithinS: number;
  logger: Logger;
}) {
  // Devices ready now (bounded by the fleet): the ones a change reaches at once.
  const ready = new Set<string>();
  const message = (): CaBundleMessage => ({
    v: 1,
    bundlePem: d.cas.certPem,
    activeFingerprint: d.cas.active().fingerprint,
    renewWithinS: d.renewWithinS,
  });
  async function send(deviceId: string, m: CaBundleMessage) {
    await d.bus.publish(deviceId, 'ca/bundle', m, { qos: 1 }).catch((err: unknown) => {
      d.logger.warn(
        { deviceId, err: (err as Error).message },
        'CA bundle not delivered; sent again when the device is next ready',
      );
    });
  }
  return {
    message,
    onReady(deviceId: string) {
      ready.add(deviceId);
      void send(deviceId, message());
    },
    onOffline(deviceId: string) {
      ready.delete(deviceId);
    },
    /** One device after the other: the broker's queue never holds the whole fleet's messages at once. */
    async broadcast(): Promise<number> {
      const m = message();
      const ids = [...ready];
      for (const id of ids) await send(id, m);
      return ids.length;
    },
  };
}
