import { DATA_TOPIC_ROOT, type DataPushMessage } from '@outpost/protocol';
import type { Logger } from '../../platform/logger.js';
import type { StreamValue, StreamsReader } from './streams.types.js';

/** Publishes each filed batch on `outpost/v1/data/{deviceId}` for integrators (QoS 0, not retained). */
export function startDataPush(d: {
  reader: Pick<StreamsReader, 'onValues'>;
  publish?: (topic: string, payload: string, o: { qos: 0 | 1 }) => Promise<void>;
  logger: Logger;
}): () => void {
  const publish = d.publish;
  if (!publish) return () => undefined;
  return d.reader.onValues((deviceId, values) => {
    void publish(`${DATA_TOPIC_ROOT}/${deviceId}`, JSON.stringify(pushMessage(deviceId, values)), { qos: 0 }).catch(
      (err: Error) => d.logger.debug({ deviceId, err: err.message }, 'data push not published'),
    );
  });
}

export function pushMessage(deviceId: string, values: readonly StreamValue[]): DataPushMessage {
  return {
    v: 1,
    deviceId,
    receivedAt: values[0]?.receivedAt ?? 0,
    values: values.map((x) => ({
      p: x.point,
      v: x.value,
      q: x.quality,
      ...(x.reason ? { r: x.reason } : {}),
      t: x.sourceTs,
    })),
  };
}
