import { connect, type TLSSocket } from 'node:tls';
import { frameOctetCounted } from './syslog-format.js';

export interface SyslogTlsTarget {
  host: string;
  port: number;
  /** The CA that must have issued the receiver's certificate (PEM). */
  caPem: string;
  /** The name the receiver's certificate must carry; the host by default. */
  serverName?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  timeoutMs: number;
}

/**
 * Sends RFC 5424 messages over TLS (RFC 5425), octet-counting framed, one connection per batch.
 *
 * Syslog over TLS has no acknowledgement, and a write that has left this process may still die
 * in the receiver's socket buffer. So a batch counts as accepted only when, after our last byte
 * and our close_notify, the receiver closed its side in order (it read up to our end of stream
 * and processed what it read). A reset, an error or a timeout before that means the whole batch
 * is sent again: a receiver killed mid-batch ends up with repeats, never with holes.
 */
export function sendSyslogTls(t: SyslogTlsTarget, messages: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let socket: TLSSocket | null = null;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) {
        socket?.destroy();
        reject(err);
      } else {
        socket?.destroy();
        resolve();
      }
    };
    socket = connect({
      host: t.host,
      port: t.port,
      ca: t.caPem,
      servername: t.serverName ?? t.host,
      cert: t.clientCertPem,
      key: t.clientKeyPem,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
    // A receiver that neither reads nor closes for this long has not taken the batch.
    socket.setTimeout(t.timeoutMs, () =>
      finish(new Error(`syslog receiver stalled for ${t.timeoutMs} ms before taking the batch`)),
    );
    socket.on('secureConnect', () => {
      const frames = Buffer.concat(messages.map(frameOctetCounted));
      socket!.end(frames);
    });
    // The receiver's orderly close after reading our end of stream is the only receipt it gives.
    socket.on('end', () => finish());
    socket.on('close', () => finish(new Error('syslog receiver closed the connection before taking the batch')));
    socket.on('error', (err) => finish(new Error(`syslog receiver: ${err.message}`)));
    // Nothing is expected from the receiver; reading keeps 'end' coming.
    socket.resume();
  });
}
