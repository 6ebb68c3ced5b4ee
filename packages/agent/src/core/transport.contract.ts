import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Transport } from './ports.js';

export interface BrokerMessage {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

/** A broker the transport connects to, seen from the broker's side. */
export interface TransportBroker {
  /** A fresh transport for one connection of device `deviceId`. */
  transport(): Transport;
  /** Topics this device may publish and subscribe to, under its own prefix. */
  topic(suffix: string): string;
  /** Everything clients published to the broker, in arrival order (last wills included). */
  received: BrokerMessage[];
  /** The broker publishes to its subscribers (the hub speaking to the device). */
  publish(topic: string, payload: string): Promise<void>;
  /** Cuts every client connection from the broker's side. */
  dropClients(): Promise<void>;
  close(): Promise<void>;
}

export interface TransportImplementation {
  name: string;
  open(): Promise<TransportBroker>;
}

async function until<T>(get: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What every Transport promises: one MQTT session that connects once, publishes, subscribes, ends, reports closing. */
export function transportContract(impl: TransportImplementation): void {
  describe(`Transport contract (${impl.name})`, () => {
    const cleanup: Array<() => Promise<void>> = [];
    const broker = async () => {
      const b = await impl.open();
      cleanup.push(() => b.close());
      return b;
    };
    const connected = async (b: TransportBroker) => {
      const t = b.transport();
      await t.connect({ will: { topic: b.topic('status'), payload: '{"state":"offline"}' } });
      cleanup.unshift(() => t.end(true).catch(() => undefined));
      return t;
    };
    afterEach(async () => {
      for (const c of cleanup.splice(0)) await c();
    });

    it('refuses to publish or subscribe before it is connected', async () => {
      const b = await broker();
      const t = b.transport();
      await assert.rejects(t.publish(b.topic('events'), '{}', { qos: 1 }));
      await assert.rejects(t.subscribe([b.topic('cmd')]));
    });

    it('publishes at QoS 0 and 1, retained or not, in order, payloads intact', async () => {
      const b = await broker();
      const t = await connected(b);
      await t.publish(b.topic('hello'), '{"v":1,"model":"pump"}', { qos: 1, retain: true });
      await t.publish(b.topic('health'), '{"cpu":12.5,"text":"äöü"}', { qos: 0 });
      await t.publish(b.topic('events'), '{"seq":1}', { qos: 1 });
      const mine = await until(() => {
        const got = b.received.filter((m) => !m.topic.endsWith('/status'));
        return got.length >= 3 ? got : undefined;
      }, 'three messages');
      assert.deepEqual(mine, [
        { topic: b.topic('hello'), payload: '{"v":1,"model":"pump"}', qos: 1, retain: true },
        { topic: b.topic('health'), payload: '{"cpu":12.5,"text":"äöü"}', qos: 0, retain: false },
        { topic: b.topic('events'), payload: '{"seq":1}', qos: 1, retain: false },
      ]);
    });

    it('delivers what the broker publishes on subscribed topics to the message handler', async () => {
      const b = await broker();
      const t = await connected(b);
      const got: Array<{ topic: string; payload: string }> = [];
      t.onMessage((topic, payload) => void got.push({ topic, payload: payload.toString('utf8') }));
      await t.subscribe([b.topic('cmd'), b.topic('desired')]);
      await b.publish(b.topic('cmd'), '{"name":"ping"}');
      await b.publish(b.topic('other'), '{"not":"subscribed"}');
      await b.publish(b.topic('desired'), '{"version":3}');
      // One connection delivers in order: had the unsubscribed message come, it would stand before `desired`.
      await until(() => (got.length >= 2 ? got : undefined), 'two messages');
      assert.deepEqual(got, [
        { topic: b.topic('cmd'), payload: '{"name":"ping"}' },
        { topic: b.topic('desired'), payload: '{"version":3}' },
      ]);
    });

    it('ends cleanly without its last will, and reports the close', async () => {
      const b = await broker();
      const t = await connected(b);
      const reasons: string[] = [];
      t.onClose((r) => void reasons.push(r));
      await t.end(true);
      await until(() => (reasons.length ? reasons : undefined), 'the close');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(reasons.length, 1);
      assert.deepEqual(
        b.received.filter((m) => m.topic === b.topic('status')),
        [],
      );
    });

    it('drops the link on an unclean end, so the broker publishes the last will', async () => {
      const b = await broker();
      const t = await connected(b);
      await t.end(false);
      const will = await until(() => b.received.find((m) => m.topic === b.topic('status')), 'the last will');
      assert.deepEqual(will, { topic: b.topic('status'), payload: '{"state":"offline"}', qos: 1, retain: true });
    });

    it('reports a close once when the broker drops the connection', async () => {
      const b = await broker();
      const t = await connected(b);
      const reasons: string[] = [];
      t.onClose((r) => void reasons.push(r));
      await b.dropClients();
      const [reason] = await until(() => (reasons.length ? reasons : undefined), 'the close');
      assert.equal(typeof reason, 'string');
      assert.ok(reason.length > 0);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(reasons.length, 1);
    });

    it('ends cleanly at once after the broker dropped the link with a publish unacknowledged', async () => {
      // A hub that stops before acknowledging a report: the agent then stops for a firmware reboot
      // and must not wait for an acknowledgement that cannot come any more.
      const b = await broker();
      const t = await connected(b);
      const gone = new Promise<void>((r) => t.onClose(() => r()));
      const sent = t.publish(b.topic('events'), '{"v":1,"events":[]}', { qos: 1 }).then(
        () => 'acknowledged',
        () => 'refused',
      );
      await b.dropClients();
      await gone;
      assert.equal(await sent, 'refused');
      const ended = await Promise.race([
        t.end(true).then(() => 'ended'),
        new Promise((r) => setTimeout(() => r('still waiting'), 1000)),
      ]);
      assert.equal(ended, 'ended');
    });

    it('rejects connecting when no broker answers', async () => {
      const b = await broker();
      const t = b.transport();
      await b.close();
      cleanup.length = 0;
      await assert.rejects(t.connect({ will: { topic: b.topic('status'), payload: '{}' } }));
    });
  });
}
