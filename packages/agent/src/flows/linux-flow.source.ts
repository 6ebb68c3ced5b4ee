import { readFileSync } from 'node:fs';
import type { FlowSource } from './flow-source.js';
import { parseConntrack, parseProcNetDev, parseProcNetSockets } from './proc-net.parser.js';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Counters from the running kernel: /proc/net/dev, the socket tables, and conntrack when readable. */
export function createLinuxFlowSource(root = '/proc/net'): FlowSource {
  const sockets = () => [
    ...parseProcNetSockets(read(`${root}/tcp`), 'tcp'),
    ...parseProcNetSockets(read(`${root}/tcp6`), 'tcp'),
    ...parseProcNetSockets(read(`${root}/udp`), 'udp'),
    ...parseProcNetSockets(read(`${root}/udp6`), 'udp'),
  ];
  return {
    interfaces: () => parseProcNetDev(read(`${root}/dev`)),
    sockets,
    connections() {
      const text = read(`${root}/nf_conntrack`);
      if (!text) return [];
      const listening = new Set(
        sockets()
          .filter((s) => s.listening)
          .map((s) => `${s.proto}/${s.localPort}`),
      );
      return parseConntrack(text, listening);
    },
  };
}
