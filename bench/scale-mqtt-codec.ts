// The few MQTT 3.1.1 packets a lean simulated device sends and reads (OASIS MQTT 3.1.1 §2-3):
// CONNECT with a will, SUBSCRIBE, PUBLISH, PUBACK, PINGREQ; and a reader that splits a byte
// stream into packets. Encoded by hand so one device costs a socket and a few small objects.

const str = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
};

function packet(first: number, body: Buffer): Buffer {
  const len: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    len.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([first, ...len]), body]);
}

/** CONNECT, clean session, with a QoS 1 retained will; the broker takes the user name from the certificate. */
export function connectPacket(clientId: string, keepaliveS: number, will: { topic: string; payload: string }) {
  const flags = 0x02 | 0x04 | 0x08 | 0x20;
  const head = Buffer.concat([str('MQTT'), Buffer.from([4, flags, keepaliveS >> 8, keepaliveS & 0xff])]);
  return packet(0x10, Buffer.concat([head, str(clientId), str(will.topic), str(will.payload)]));
}

export function subscribePacket(id: number, topics: string[]) {
  const body = [Buffer.from([id >> 8, id & 0xff]), ...topics.flatMap((t) => [str(t), Buffer.from([1])])];
  return packet(0x82, Buffer.concat(body));
}

export function publishPacket(topic: string, payload: string, qos: 0 | 1, id = 0, retain = false) {
  const parts = [str(topic)];
  if (qos === 1) parts.push(Buffer.from([id >> 8, id & 0xff]));
  parts.push(Buffer.from(payload, 'utf8'));
  return packet(0x30 | (qos << 1) | (retain ? 1 : 0), Buffer.concat(parts));
}

export const pubackPacket = (id: number) => Buffer.from([0x40, 2, id >> 8, id & 0xff]);
export const PINGREQ = Buffer.from([0xc0, 0]);

export interface Packet {
  type: number;
  flags: number;
  body: Buffer;
}

/** Splits a stream into packets; keeps a partial packet until the rest arrives. */
export function packetReader(onPacket: (p: Packet) => void) {
  let pending: Buffer | null = null;
  return (chunk: Buffer) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    for (;;) {
      if (buf.length < 2) break;
      let len = 0;
      let mul = 1;
      let i = 1;
      let complete = false;
      for (; i < Math.min(buf.length, 5); i++) {
        len += (buf[i] & 0x7f) * mul;
        mul *= 128;
        if ((buf[i] & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || buf.length < i + 1 + len) break;
      onPacket({ type: buf[0] >> 4, flags: buf[0] & 0x0f, body: buf.subarray(i + 1, i + 1 + len) });
      buf = buf.subarray(i + 1 + len);
    }
    if (buf.length) pending = Buffer.from(buf);
  };
}

/** Topic, packet id (QoS 1) and payload of a PUBLISH body. */
export function readPublish(p: Packet): { topic: string; id: number; payload: Buffer } {
  const tlen = p.body.readUInt16BE(0);
  const topic = p.body.toString('utf8', 2, 2 + tlen);
  const qos = (p.flags >> 1) & 3;
  const id = qos > 0 ? p.body.readUInt16BE(2 + tlen) : 0;
  return { topic, id, payload: p.body.subarray(2 + tlen + (qos > 0 ? 2 : 0)) };
}
