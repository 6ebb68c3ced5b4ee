import { constants, openSync } from 'node:fs';
import { Duplex } from 'node:stream';
import tty from 'node:tty';

/**
 * Opens a serial device or pseudo-terminal as a Duplex stream. Line settings (baud rate,
 * raw mode) are the caller's business, e.g. `stty -F /dev/ttyS0 19200 raw -echo`; ptys made
 * with `socat pty,raw,echo=0 ...` are already raw. The tty handles are non-blocking, so
 * destroying the stream releases them at once.
 */
export function openSerialPort(path: string): Duplex {
  const flags = constants.O_RDWR | constants.O_NOCTTY;
  const readable = new tty.ReadStream(openSync(path, flags));
  const writable = new tty.WriteStream(openSync(path, flags));
  const port = Duplex.from({ readable, writable });
  port.on('close', () => {
    readable.destroy();
    writable.destroy();
  });
  return port;
}
