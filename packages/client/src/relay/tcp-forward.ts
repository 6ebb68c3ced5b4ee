import net from 'node:net';
import type { RelayLink } from './relay-dialer.js';

export interface TcpForward {
  port: number;
  host: string;
  /** Local connections carried so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * The operator side of a TCP session: a listener on loopback whose every connection becomes one
 * stream of the session, so any tool (a Modbus master, a browser, ssh) can use the device's
 * service as if it were local. Call it after the link is ready.
 */
export function startTcpForward(link: RelayLink, listen: { host?: string; port?: number } = {}): Promise<TcpForward> {
  const host = listen.host ?? '127.0.0.1';
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    count++;
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    sock.setNoDelay(true);
    link.mux.open(sock);
  });
  link.ended.then(
    () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
    () => undefined,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        host,
        connections: () => count,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
