import { Readable } from 'node:stream';

// aedes's memory persistence answers every SUBSCRIBE by testing each retained topic against each
// pattern. The hub retains one desired document per connected device, so a cold connect of N
// devices, each subscribing to a handful of its own topics, cost in the order of N² topic tests
// (at 10,000 devices, hundreds of millions). Here the retained messages are kept by topic: a
// pattern without wildcards (every device's subscription) is one lookup; only one with wildcards
// (an integration's) is matched against every retained topic.

export interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
}

/** The part of an aedes persistence that keeps and serves retained messages. */
export interface RetainedStore {
  storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void): Promise<void> | void;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

/** Replaces how `persistence` keeps retained messages: by topic, as above. Call before any is stored. */
export function indexRetained(persistence: RetainedStore): void {
  const retained = new Map<string, RetainedPacket>();
  persistence.storeRetained = (packet, cb) => {
    // An empty retained message clears the topic (MQTT 3.1.1 §3.3.1.3).
    if (packet.payload.length === 0) retained.delete(packet.topic);
    else retained.set(packet.topic, { ...packet });
    if (cb) return void cb(null);
    return Promise.resolve();
  };
  function* matching(patterns: string[]): Generator<RetainedPacket> {
    for (const pattern of patterns) {
      if (!hasWildcard(pattern)) {
        const packet = retained.get(pattern);
        if (packet) yield packet;
        continue;
      }
      for (const [topic, packet] of retained) if (topicMatches(pattern, topic)) yield packet;
    }
  }
  persistence.createRetainedStream = (pattern) => Readable.from(matching([pattern]));
  persistence.createRetainedStreamCombi = (patterns) => Readable.from(matching(patterns));
}

export const hasWildcard = (pattern: string) => pattern.includes('+') || pattern.includes('#');

/**
 * MQTT 3.1.1 §4.7: `+` is one level, a final `#` the level before it and every level below; a
 * pattern starting with a wildcard does not match a topic starting with `$`.
 */
export function topicMatches(pattern: string, topic: string): boolean {
  if (topic.startsWith('$') && (pattern.startsWith('+') || pattern.startsWith('#'))) return false;
  const p = pattern.split('/');
  const t = topic.split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '#') return i === p.length - 1;
    if (i >= t.length) return false;
    if (p[i] !== '+' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}
