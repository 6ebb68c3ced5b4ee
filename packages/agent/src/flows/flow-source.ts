/** Cumulative counters of one network interface, as the kernel keeps them. */
export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/** One socket of the device: its protocol, local and remote port, and whether it listens. */
export interface SocketEntry {
  proto: 'tcp' | 'udp';
  localPort: number;
  remotePort: number;
  listening: boolean;
  established: boolean;
}

/** Cumulative bytes and packets of one tracked connection (conntrack accounting), keyed by its tuple. */
export interface ConnectionCounters {
  key: string;
  proto: 'tcp' | 'udp';
  /** The service side: our port for inbound connections, the remote port for outbound ones. */
  port: number;
  dir: 'in' | 'out';
  bytes: number;
  packets: number;
}

/** Where traffic counters come from: /proc on Linux, a generator in the simulator. */
export interface FlowSource {
  interfaces(): InterfaceCounters[];
  sockets(): SocketEntry[];
  /** Per-connection counters when the device can account them; empty when it cannot. */
  connections(): ConnectionCounters[];
}
