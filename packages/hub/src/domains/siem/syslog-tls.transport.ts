import { connect, type ConnectionOptions } from 'node:tls';
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

function tlsOptions(t: SyslogTlsTarget): ConnectionOptions {
  return {
    host: t.host,
    port: t.port,
    ca: t.caPem,
    servername: t.serverName ?? t.host,
    cert: t.clientCertPem,
    key: t.clientKeyPem,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  };
}

/**
 * One TLS connection: writes `payload` (possibly nothing), closes our side and resolves when the
 * receiver closed its side in order. Rejects on any error, a stall of `timeoutMs`, or a close
 * without the receiver's end of stream.
 */
function exchange(t: SyslogTlsTarget, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = connect(tlsOptions(t));
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(t.timeoutMs, () => finish(new Error(`syslog receiver stalled for ${t.timeoutMs} ms`)));
    socket.on('secureConnect', () => socket.end(payload));
    socket.on('end', () => finish());
    socket.on('close', () => finish(new Error('syslog receiver closed the connection before taking the batch')));
    socket.on('error', (err) => finish(new Error(`syslog receiver: ${err.message}`)));
    // Nothing is expected from the receiver; reading keeps 'end' coming.
    socket.resume();
  });
}

/**
 * Sends RFC 5424 messages over TLS (RFC 5425), octet-counting framed, one connection per batch.
 *
 * Syslog over TLS has no acknowledgement, and bytes that left this process may still die with
 * the receiver. So a batch counts as accepted only when (1) after our last byte and our
 * close_notify, the receiver closed its side in order — it read up to our end of stream, and a
 * receiver such as rsyslog processes what it read before it closes — and (2) the receiver still
 * answers a new handshake afterwards: a receiver killed after reading, but before processing, also
 * "closes" (its kernel does), yet no longer answers. Anything else sends the whole batch again: a
 * receiver that dies mid-batch ends up with repeats, never with holes.
 */
export async function sendSyslogTls(t: SyslogTlsTarget, messages: string[]): Promise<void> {
  await exchange(t, Buffer.concat(messages.map(frameOctetCounted)));
  try {
    await exchange(t, Buffer.alloc(0));
  } catch (err) {
    throw new Error(`syslog receiver went away right after the batch, which is sent again (${(err as Error).message})`);
  }
}
