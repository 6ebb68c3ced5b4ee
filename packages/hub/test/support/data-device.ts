import type { MqttClient } from 'mqtt';
import {
  DATA_WRITE_COMMAND,
  SCHEMA_VERSION,
  deviceTopic,
  type CommandRequest,
  type DataMessage,
  type DataPointDefinition,
  type DataValue,
} from '@outpost/protocol';
import { rawClient, type EnrolledDevice } from './devices.js';
import type { TestHub } from './test-hub.js';

/**
 * A device played over MQTT with its own certificate: it announces itself, publishes `data`
 * batches and answers `data.write` commands as `answer` says (recording every request).
 */
export interface DataDevice {
  mq: MqttClient;
  writes: CommandRequest[];
  publish(values: DataValue[], defs?: DataPointDefinition[]): Promise<void>;
  /** Connects again (after `drop`), announces itself and resumes the sequence. */
  reconnect(): Promise<void>;
  /** Cuts the link at once, as a broken line would (no clean MQTT disconnect). */
  drop(): void;
  close(): void;
}

export async function startDataDevice(
  t: TestHub,
  dev: EnrolledDevice,
  answer: (req: CommandRequest) => { ok: true } | { ok: false; code: string; message: string } = () => ({ ok: true }),
): Promise<DataDevice> {
  let seq = 0;
  const writes: CommandRequest[] = [];
  const connect = async () => {
    const mq = await rawClient(t, dev, dev.id);
    await mq.subscribeAsync(deviceTopic(dev.id, 'cmd/req'), { qos: 1 });
    mq.on('message', (_topic, payload) => {
      const req = JSON.parse(payload.toString()) as CommandRequest;
      if (req.name !== DATA_WRITE_COMMAND) return;
      writes.push(req);
      const a = answer(req);
      const res = a.ok
        ? { v: SCHEMA_VERSION, id: req.id, ok: true, result: { written: true } }
        : { v: SCHEMA_VERSION, id: req.id, ok: false, error: { code: a.code, message: a.message } };
      mq.publish(deviceTopic(dev.id, 'cmd/res'), JSON.stringify(res), { qos: 1 });
    });
    await mq.publishAsync(
      deviceTopic(dev.id, 'hello'),
      JSON.stringify({
        v: SCHEMA_VERSION,
        agentVersion: 'test',
        firmware: '1',
        model: 'data-test',
        bootId: 'b1',
        healthIntervalS: 30,
        capabilities: ['data'],
      }),
      { qos: 1 },
    );
    return mq;
  };
  const d: DataDevice = {
    mq: await connect(),
    writes,
    async publish(values, defs) {
      const m: DataMessage = { v: SCHEMA_VERSION, seq: ++seq, values, ...(defs ? { defs } : {}) };
      await d.mq.publishAsync(deviceTopic(dev.id, 'data'), JSON.stringify(m), { qos: 1 });
    },
    async reconnect() {
      d.mq = await connect();
    },
    drop() {
      d.mq.stream.destroy();
      d.mq.end(true);
    },
    close() {
      d.mq.end(true);
    },
  };
  return d;
}
