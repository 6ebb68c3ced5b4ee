import { constants, openSync } from 'node:fs';
import { Duplex } from 'node:stream';
import tty from 'node:tty';

// One Duplex over separate tty read and write handles of the same device, so that destroying
// it closes both without leaving a read pending.
class SerialPortStream extends Duplex {
  constructor(
    private readonly input: tty.ReadStream,
    private readonly output: tty.WriteStream,
  ) {
    super();
    input.on('data', (d: Buffer) => {
      if (!this.push(d)) input.pause();
    });
    input.on('end', () => this.push(null));
    input.on('error', (e) => this.destroy(e));
    output.on('error', (e) => this.destroy(e));
  }

  override _read(): void {
    this.input.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.output.write(chunk, done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.input.destroy();
    this.output.destroy();
    done(err);
  }
}

/**
 * Opens a serial device or pseudo-terminal as a Duplex stream. Line settings (baud rate,
 * raw mode) are the caller's business, e.g. `stty -F /dev/ttyS0 19200 raw -echo`; ptys made
 * with `socat pty,raw,echo=0 ...` are already raw. The tty handles are non-blocking, so
 * destroying the stream releases them at once.
 */
export function openSerialPort(path: string): Duplex {
  const flags = constants.O_RDWR | constants.O_NOCTTY;
  return new SerialPortStream(new tty.ReadStream(openSync(path, flags)), new tty.WriteStream(openSync(path, flags)));
}
